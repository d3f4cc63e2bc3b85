/* hvlog: the record/replay log tool (docs/hvlog.md). */
#include <string.h>

#include "hvlog.h"

static const char usage_text[] =
	"usage: hvlog print FILE            the log as text: header, frames, entries\n"
	"       hvlog assemble TEXT OUT     the inverse of print: text back to a log\n"
	"       hvlog summary FILE          entries and bytes per type, guest time, end\n"
	"       hvlog compare A B           the first difference between two logs\n"
	"       hvlog snapshot FILE         a snapshot's header and sections, verified\n"
	"\n"
	"FILE is a record/replay log (USTDYLOG) or a trace (USTDYTRC). The text\n"
	"has one line per header, frame and entry:\n"
	"  header magic=USTDYLOG flags=0x0 kernel_hash=0x... ram_size=0x... ...\n"
	"  frame SEQ entries N bytes L\n"
	"  E=LANDMARK rip=0xRIP [async regs=RAX,...,R15,RFLAGS state=HASH memory=HASH] [branches=N] TYPE key=value ...\n"
	"(docs/hvlog.md has every field). Exit status: 0 ok, 1 a difference or a\n"
	"refused input (the message names the frame and byte offset), 2 bad usage.\n"
	"snapshot verifies the whole snapshot (docs/snapshot-format.md): exit 0 when\n"
	"it verifies, 1 when it is refused (the message names the section).\n";

static int usage(FILE *f, int status)
{
	fputs(usage_text, f);
	return status;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help"))
		return usage(stdout, EXIT_OK);
	if (!strcmp(cmd, "print") && argc == 3)
		return cmd_print(argv[2]);
	if (!strcmp(cmd, "assemble") && argc == 4)
		return cmd_assemble(argv[2], argv[3]);
	if (!strcmp(cmd, "summary") && argc == 3)
		return cmd_summary(argv[2]);
	if (!strcmp(cmd, "compare") && argc == 4)
		return cmd_compare(argv[2], argv[3]);
	if (!strcmp(cmd, "snapshot") && argc == 3)
		return cmd_snapshot(argv[2]);
	return usage(stderr, EXIT_USAGE);
}
