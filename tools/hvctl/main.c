/*
 * hvctl: a fault-tolerant pair at a glance (docs/fault-tolerance.md,
 * "Watching a pair"). `hvctl status A [B]` reads /status from one or both
 * hypervisors' control endpoints and prints each side's role, state,
 * guest, log lag, output hold and witness, then, with two, the pair's
 * verdict. `hvctl switchover A --key-file F` asks the primary A to hand
 * its guest to the backup ("Planned switchover"), authenticated with the
 * pair's key.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "hvctl.h"

#define TIMEOUT_MS_DEFAULT 3000
#define ENDPOINTS_MAX 2
#define LINES_MAX 2048

static const char usage_text[] =
	"usage: hvctl [--timeout-ms N] status HOST[:PORT] [HOST[:PORT]]\n"
	"       hvctl [--timeout-ms N] switchover HOST[:PORT] --key-file FILE\n"
	"\n"
	"Reads /status from the control endpoints of one or both hypervisors of a\n"
	"fault-tolerant pair (port 8080 unless given) and prints each side's role,\n"
	"state, guest, log lag, output hold and witness lease; with two endpoints,\n"
	"one line judging the pair.\n"
	"  --timeout-ms N  for each endpoint's whole reply (default 3000)\n"
	"switchover asks the primary HOST to hand its guest to its backup at the\n"
	"next landmark: a challenge (GET /ft/challenge), then POST /ft/switchover\n"
	"signed with the pair's key (FILE: ft_key='s hex digits); prints the answer.\n"
	"Exit status: 0 ok (switchover: accepted); 1 an endpoint unreachable or its\n"
	"reply unusable; 2 bad usage; 3 split brain (both sides run the guest);\n"
	"4 the switchover refused (the answer says why).\n";

struct endpoint {
	char host[256];
	unsigned port;
	const char *name;     /* as given */
	struct side side;
};

static int usage(FILE *f, int status)
{
	fputs(usage_text, f);
	return status;
}

/* A decimal number in [min, max]. */
static bool parse_number(const char *s, u64 min, u64 max, u64 *out)
{
	return !cmdline_parse_u64(s, strlen(s), out) && *out >= min && *out <= max;
}

/* HOST[:PORT] */
static bool parse_endpoint(const char *arg, struct endpoint *e)
{
	const char *colon = strrchr(arg, ':');
	size_t host_len = colon ? (size_t)(colon - arg) : strlen(arg);
	u64 port = HVCTL_PORT_DEFAULT;

	if (!host_len || host_len >= sizeof(e->host))
		return false;
	if (colon && !parse_number(colon + 1, 1, 65535, &port))
		return false;
	memcpy(e->host, arg, host_len);
	e->host[host_len] = '\0';
	e->port = (unsigned)port;
	e->name = arg;
	return true;
}

/* Fetches and reads one side; prints its lines or why it could not. */
static bool read_side(struct endpoint *e, unsigned timeout_ms)
{
	static char reply[HVCTL_REPLY_MAX];
	char why[HVCTL_WHY_MAX], lines[LINES_MAX];
	const char *body;
	size_t body_len;
	long len = fetch_status(e->host, e->port, timeout_ms, reply, sizeof(reply), why,
				sizeof(why));

	if (len < 0 || http_reply_body(reply, (size_t)len, &body, &body_len, why, sizeof(why)) ||
	    side_parse(body, body_len, &e->side, why, sizeof(why))) {
		memset(&e->side, 0, sizeof(e->side));
		e->side.down = true;
		printf("%s: unreachable: %s\n", e->name, why);
		return false;
	}
	side_print(lines, sizeof(lines), e->name, &e->side);
	fputs(lines, stdout);
	return true;
}

static int status(struct endpoint *ends, int count, unsigned timeout_ms)
{
	char line[LINES_MAX];
	bool all_up = true;
	int verdict;

	for (int i = 0; i < count; i++)
		all_up &= read_side(&ends[i], timeout_ms);
	if (count < 2)
		return all_up ? HVCTL_OK : HVCTL_UNREACHABLE;
	verdict = pair_verdict(line, sizeof(line), ends[0].name, &ends[0].side, ends[1].name,
			       &ends[1].side);
	fputs(line, stdout);
	if (verdict == HVCTL_SPLIT_BRAIN)
		return verdict;
	return all_up ? HVCTL_OK : HVCTL_UNREACHABLE;
}

/* The key in FILE (ft_key='s hex); its length, or -1 (said why). */
static int read_key(const char *path, u8 *key)
{
	char text[4 * HVCTL_KEY_MAX], why[HVCTL_WHY_MAX];
	FILE *f = fopen(path, "r");
	size_t len;
	int n;

	if (!f) {
		fprintf(stderr, "hvctl: cannot read the key file %s: %s\n", path, strerror(errno));
		return -1;
	}
	len = fread(text, 1, sizeof(text), f);
	fclose(f);
	n = len == sizeof(text) ? -1 : key_parse_text(text, len, key, why, sizeof(why));
	memset(text, 0, sizeof(text));
	if (n < 0)
		fprintf(stderr, "hvctl: %s: %s\n", path,
			len == sizeof(text) ? "too long for a key" : why);
	return n;
}

/* switchover HOST[:PORT] --key-file FILE */
static int switchover_command(int argc, char **argv, unsigned timeout_ms)
{
	struct endpoint e;
	u8 key[HVCTL_KEY_MAX];
	int key_len, code;

	if (argc != 3 || strcmp(argv[1], "--key-file"))
		return usage(stderr, HVCTL_USAGE);
	if (!parse_endpoint(argv[0], &e)) {
		fprintf(stderr, "hvctl: %s is not HOST[:PORT]\n", argv[0]);
		return HVCTL_USAGE;
	}
	key_len = read_key(argv[2], key);
	if (key_len < 0)
		return HVCTL_USAGE;
	code = switchover(e.name, e.host, e.port, timeout_ms, key, (size_t)key_len);
	memset(key, 0, sizeof(key));
	return code;
}

int main(int argc, char **argv)
{
	struct endpoint ends[ENDPOINTS_MAX];
	u64 timeout_ms = TIMEOUT_MS_DEFAULT;
	int i = 1, count;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return usage(stdout, HVCTL_OK);
	if (i + 1 < argc && !strcmp(argv[i], "--timeout-ms")) {
		if (!parse_number(argv[i + 1], 1, 600000, &timeout_ms))
			return usage(stderr, HVCTL_USAGE);
		i += 2;
	}
	if (i < argc && !strcmp(argv[i], "switchover"))
		return switchover_command(argc - i - 1, argv + i + 1, (unsigned)timeout_ms);
	if (i >= argc || strcmp(argv[i], "status"))
		return usage(stderr, HVCTL_USAGE);
	count = argc - i - 1;
	if (count < 1 || count > ENDPOINTS_MAX)
		return usage(stderr, HVCTL_USAGE);
	for (int k = 0; k < count; k++)
		if (!parse_endpoint(argv[i + 1 + k], &ends[k])) {
			fprintf(stderr, "hvctl: %s is not HOST[:PORT]\n", argv[i + 1 + k]);
			return HVCTL_USAGE;
		}
	return status(ends, count, (unsigned)timeout_ms);
}
