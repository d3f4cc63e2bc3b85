/*
 * hvwitness: the witness of a fault-tolerant pair, or with --client one
 * request to a witness (docs/witness.md).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "hvwitness.h"

#define TIMEOUT_MS_DEFAULT 10000

static const char usage_text[] =
	"usage: hvwitness --key-file F [--port P] [--bind ADDR] [--state FILE] [--lease-ms N]\n"
	"       hvwitness --client HOST:PORT --key-file F [--node ID] [--timeout-ms N]\n"
	"                 acquire [EPOCH [DURATION_MS]] | renew EPOCH | release EPOCH | query\n"
	"\n"
	"The witness of an Understudy fault-tolerant pair: grants one lease at a time,\n"
	"with an epoch that only grows, over TLS 1.2 with the pair's pre-shared key\n"
	"(docs/witness.md).\n"
	"  --key-file F    the key: 32 to 128 hex digits (16 to 64 bytes)\n"
	"  --port P        TCP port (default 9730)\n"
	"  --bind ADDR     IPv4 address to listen on (default 0.0.0.0)\n"
	"  --state FILE    keeps the epoch and holder across restarts (written, then renamed)\n"
	"  --lease-ms N    the longest lease, granted when a node asks for 0 (default 5000)\n"
	"Client (one request, each reply printed as one line):\n"
	"  --client H:P    the witness\n"
	"  --node ID       this node's id: 1 to 16 of A-Z a-z 0-9 . - _ :\n"
	"  --timeout-ms N  wait at most this long for the handshake and each reply (default 10000)\n"
	"  Test hooks: --seq N (the frame's sequence number, default 1; 0 too), --replay (send\n"
	"  the frame twice), --corrupt (flip its last bit), --truncate N (send its first\n"
	"  N bytes only), and the command send-hex HEX (send those bytes).\n"
	"Exit status: 0 ok or granted; 1 refused (client), cannot serve (witness);\n"
	"2 bad usage; 3 no answer (client).\n";

static int usage(FILE *f, int status)
{
	fputs(usage_text, f);
	return status;
}

static bool parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-')
		return false;
	v = strtoul(s, &end, 10);
	if (*end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* HOST:PORT into the client's options. */
static bool parse_target(char *arg, struct client_options *c)
{
	char *colon = strrchr(arg, ':');
	unsigned long port;

	if (!colon || colon == arg || !parse_uint(colon + 1, 1, 65535, &port))
		return false;
	*colon = '\0';
	c->host = arg;
	c->port = (unsigned)port;
	return true;
}

static const struct option longs[] = {
	{ "port", required_argument, NULL, 'p' },      { "bind", required_argument, NULL, 'b' },
	{ "key-file", required_argument, NULL, 'k' },  { "state", required_argument, NULL, 's' },
	{ "lease-ms", required_argument, NULL, 'l' },  { "client", required_argument, NULL, 'c' },
	{ "node", required_argument, NULL, 'n' },      { "timeout-ms", required_argument, NULL, 't' },
	{ "seq", required_argument, NULL, 'q' },       { "replay", no_argument, NULL, 'r' },
	{ "corrupt", no_argument, NULL, 'x' },         { "truncate", required_argument, NULL, 'u' },
	{ "help", no_argument, NULL, 'h' },            { NULL, 0, NULL, 0 },
};

/* One option into s (the witness's) or c (the client's); false when bad. */
static bool take_option(int opt, struct server_options *s, struct client_options *c,
			bool *client)
{
	unsigned long v;

	switch (opt) {
	case 'p': if (!parse_uint(optarg, 1, 65535, &v)) return false; s->port = (unsigned)v; break;
	case 'b': s->bind = optarg; break;
	case 'k': s->key_file = c->key_file = optarg; break;
	case 's': s->state = optarg; break;
	case 'l': if (!parse_uint(optarg, 1, LEASE_MS_MAX, &v)) return false; s->lease_ms = (u32)v; break;
	case 'c': *client = true; return parse_target(optarg, c);
	case 'n': c->node = optarg; break;
	case 't': if (!parse_uint(optarg, 1, 600000, &v)) return false; c->timeout_ms = (unsigned)v; break;
	case 'q': if (!parse_uint(optarg, 0, ~0UL, &v)) return false; c->seq = v; break;
	case 'r': c->replay = true; break;
	case 'x': c->corrupt = true; break;
	case 'u': if (!parse_uint(optarg, 0, 4096, &v)) return false; c->truncate = (int)v; break;
	default: return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	struct server_options s = { .bind = "0.0.0.0", .port = WIT_DEFAULT_PORT,
				    .lease_ms = LEASE_MS_DEFAULT };
	struct client_options c = { .seq = 1, .timeout_ms = TIMEOUT_MS_DEFAULT, .truncate = -1 };
	bool client = false;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		if (opt == 'h')
			return usage(stdout, EXIT_OK);
		if (!take_option(opt, &s, &c, &client))
			return usage(stderr, EXIT_USAGE);
	}
	if (!s.key_file || (!client && optind != argc))
		return usage(stderr, EXIT_USAGE);
	if (!client)
		return server_run(&s);
	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = client_run(&c, argc - optind, argv + optind);
	return rc == EXIT_USAGE ? usage(stderr, EXIT_USAGE) : rc;
}
