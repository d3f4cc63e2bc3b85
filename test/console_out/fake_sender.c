/*
 * console_fakesender: one connection of a console stream sender
 * (docs/console-stream.md), for testing hvlisten on the host
 * (test/system/ft_console_out.sh): HELLO for a guest, then DATA frames,
 * each OFFSET:TEXT ("\n" in TEXT is a newline), then it waits for the
 * listener's answers and prints each as a line:
 *   welcome OFFSET | ack OFFSET | refused REASON TEXT
 * Exit status: 0 when the listener welcomed it, 1 when it refused it,
 * 2 bad usage, 3 no answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/console_stream.h"
#include "tools/hvcollect/netio.h"

#define ANSWER_WAIT_S 3.0

/* "a\nb" with backslash-n made a newline, in place; its length. */
static size_t unescape(char *s)
{
	size_t o = 0;

	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '\\' && s[i + 1] == 'n')
			s[o++] = '\n', i++;
		else
			s[o++] = s[i];
	}
	return o;
}

static bool send_all(int fd, const u8 *p, size_t n)
{
	double deadline = nio_now() + ANSWER_WAIT_S;

	while (n && nio_now() < deadline) {
		ssize_t w = nio_send(fd, p, n);

		if (w < 0)
			return false;
		p += w, n -= (size_t)w;
	}
	return !n;
}

static bool send_msg(int fd, struct cs_msg *m, u64 *seq)
{
	static u8 frame[CS_FRAME_MAX];
	int n;

	m->seq = ++*seq;
	n = cs_encode(m, frame, sizeof(frame));
	return n > 0 && send_all(fd, frame, (size_t)n);
}

/* Prints what the listener says until it closes or is quiet; the exit status. */
static int answers(int fd)
{
	static struct cs_rx rx;
	double quiet_until = nio_now() + ANSWER_WAIT_S;
	int status = 3;
	u8 buf[4096];
	struct cs_msg m;
	size_t used;

	cs_rx_init(&rx, CS_TO_SENDER);
	while (nio_now() < quiet_until) {
		ssize_t n = nio_recv(fd, buf, sizeof(buf));

		if (n == -2) {
			nio_sleep_ms(10);
			continue;
		}
		if (n <= 0)
			break;
		for (size_t pos = 0; pos < (size_t)n; pos += used) {
			enum cs_rx_status st = cs_rx_push(&rx, buf + pos, (size_t)n - pos, &used, &m);

			if (st == CS_RX_REFUSED) {
				printf("garbled %s\n", rx.why);
				return 3;
			}
			if (st != CS_RX_FRAME)
				continue;
			if (m.type == CS_REFUSED)
				printf("refused %s %s\n", cs_reason_name(m.reason), m.text);
			else
				printf("%s %llu\n", m.type == CS_WELCOME ? "welcome" : "ack",
				       (unsigned long long)m.offset);
			status = m.type == CS_REFUSED ? 1 : status == 3 ? 0 : status;
			quiet_until = nio_now() + 0.5;
		}
	}
	return status;
}

int main(int argc, char **argv)
{
	struct cs_msg hello = { .type = CS_HELLO, .role = CS_ROLE_ALONE };
	char err[256];
	u64 seq = 0, produced = 0;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: console_fakesender PORT GUEST_HEX [OFFSET:TEXT]...\n");
		return 2;
	}
	hello.guest = strtoull(argv[2], NULL, 16);
	fd = nio_connect("127.0.0.1", (unsigned)atoi(argv[1]), err, sizeof(err));
	if (fd < 0) {
		fprintf(stderr, "console_fakesender: %s\n", err);
		return 3;
	}
	hello.produced = produced;
	if (!send_msg(fd, &hello, &seq))
		return 3;
	for (int i = 3; i < argc; i++) {
		char *colon = strchr(argv[i], ':');
		struct cs_msg data = { .type = CS_DATA };

		if (!colon)
			return 2;
		*colon = '\0';
		data.offset = strtoull(argv[i], NULL, 10);
		data.data = (const u8 *)colon + 1;
		data.len = (u16)unescape(colon + 1);
		if (!send_msg(fd, &data, &seq))
			break; /* refused and closed: the answers say why */
	}
	return answers(fd);
}
