/* The control endpoint's requests that change state (http_control.h). */
#include "net/http/http_control.h"

#include <string.h>

#include "errno.h"

void http_control_init(struct http_control *c, const u8 *key, size_t key_len,
		       http_random_fn random, http_switchover_fn switchover)
{
	http_auth_init(&c->auth, key, key_len);
	c->random = random;
	c->switchover = switchover;
}

bool http_control_route(const char *path)
{
	return !strcmp(path, HTTP_PATH_CHALLENGE) || !strcmp(path, HTTP_PATH_SWITCHOVER);
}

static const char *method_name(enum http_method m)
{
	return m == HTTP_METHOD_POST ? "POST" : m == HTTP_METHOD_HEAD ? "HEAD" : "GET";
}

/* GET /ft/challenge: a fresh nonce, remembered for one use. */
static int challenge(struct http_control *c, u64 now_ns, char *buf, size_t size,
		     struct http_reply *out, struct http_control_note *note)
{
	u8 random[HTTP_AUTH_NONCE_BYTES];
	char hex[HTTP_AUTH_NONCE_HEX + 1];

	if (!http_auth_has_key(&c->auth)) {
		note->refused = true;
		note->why = http_auth_result_text(HTTP_AUTH_NO_KEY);
		return http_reply_text(buf, size, HTTP_STATUS_FORBIDDEN, NULL, note->why, out);
	}
	if (!c->random || c->random(random, sizeof(random))) {
		note->why = "no random bytes for a nonce";
		return http_reply_text(buf, size, HTTP_STATUS_SERVICE_UNAVAILABLE, NULL, note->why,
				       out);
	}
	http_auth_issue(&c->auth, random, now_ns, hex);
	memset(random, 0, sizeof(random));
	note->why = "a nonce issued";
	return http_reply_text(buf, size, HTTP_STATUS_OK, NULL, hex, out);
}

/* The credentials of a request that changes state; 0 when they hold, else
 * the refusal is built. */
static int authenticate(struct http_control *c, const struct http_request *req, u64 now_ns,
			char *buf, size_t size, struct http_reply *out,
			struct http_control_note *note, int *len)
{
	const char *value = req->auth_state == HTTP_AUTH_HDR_ABSENT ? NULL : req->auth;
	size_t value_len = req->auth_state == HTTP_AUTH_HDR_GIVEN ? req->auth_len : 0;
	enum http_auth_result r;

	r = http_auth_check(&c->auth, method_name(req->method), req->path, value, value_len,
			    now_ns);
	if (r == HTTP_AUTH_OK)
		return 0;
	note->refused = true;
	note->why = http_auth_result_text(r);
	*len = http_reply_text(buf, size,
			       r == HTTP_AUTH_NO_KEY ? HTTP_STATUS_FORBIDDEN : HTTP_STATUS_UNAUTHORIZED,
			       NULL, note->why, out);
	return -EPERM;
}

/* POST /ft/switchover, authenticated: the hypervisor decides. */
static int switchover(struct http_control *c, const struct http_request *req, u64 now_ns,
		      char *buf, size_t size, struct http_reply *out,
		      struct http_control_note *note)
{
	const char *why = "this hypervisor takes no switchover requests";
	int len;

	if (authenticate(c, req, now_ns, buf, size, out, note, &len))
		return len;
	if (!c->switchover || c->switchover(&why)) {
		note->why = why;
		return http_reply_text(buf, size, HTTP_STATUS_CONFLICT, NULL, why, out);
	}
	note->why = "switchover accepted: the guest goes to the backup at the next landmark";
	return http_reply_text(buf, size, HTTP_STATUS_ACCEPTED, NULL, note->why, out);
}

int http_control_reply(struct http_control *c, const struct http_request *req, u64 now_ns,
		       char *buf, size_t size, struct http_reply *out,
		       struct http_control_note *note)
{
	bool is_challenge = !strcmp(req->path, HTTP_PATH_CHALLENGE);
	enum http_method wanted = is_challenge ? HTTP_METHOD_GET : HTTP_METHOD_POST;

	note->refused = false;
	note->why = NULL;
	if (req->method != wanted) {
		note->why = "method not allowed";
		return http_reply_text(buf, size, HTTP_STATUS_METHOD_NOT_ALLOWED,
				       is_challenge ? "GET" : "POST", "use the method in Allow",
				       out);
	}
	if (is_challenge)
		return challenge(c, now_ns, buf, size, out, note);
	return switchover(c, req, now_ns, buf, size, out, note);
}
