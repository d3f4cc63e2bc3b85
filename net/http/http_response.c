/*
 * The control endpoint's documents and responses, built into caller buffers.
 * All output goes through struct out, which remembers when something did
 * not fit so the builders can return -ENOSPC instead of a cut document.
 * Decimal fractions (uptime) are integer arithmetic: the hypervisor has no
 * floating point.
 */
#include "net/http/http_response.h"

#include <stdarg.h>
#include <string.h>

#include "compiler.h"
#include "errno.h"
#include "fmt.h"
#include "net/http/http_ft.h"
#include "net/http/http_out.h"

#define NSEC_PER_SEC 1000000000ULL

/* ns as seconds with nine decimals, e.g. 12.000000345. */
static void out_seconds(struct out *o, u64 ns)
{
	out_printf(o, "%llu.%09llu", (ns / NSEC_PER_SEC),
		   (ns % NSEC_PER_SEC));
}

static void out_mac(struct out *o, const u8 *mac)
{
	out_printf(o, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		   mac[5]);
}

/* --- the NIC counters, shared by both documents --------------------------- */

struct nic_counter {
	const char *json;    /* field in the "nic" object */
	const char *metric;  /* counter family */
	const char *help;
	size_t offset;       /* in struct hv_status_nic */
};

#define NIC_COUNTER(field, what)                                               \
	{ #field, "understudy_nic_" #field "_total", what,                     \
	  __builtin_offsetof(struct hv_status_nic, field) }

static const struct nic_counter nic_counters[] = {
	NIC_COUNTER(rx_packets, "Frames the NIC received."),
	NIC_COUNTER(rx_bytes, "Bytes the NIC received."),
	NIC_COUNTER(rx_dropped, "Received frames dropped (no buffer or stack refused)."),
	NIC_COUNTER(rx_errors, "Receive errors the NIC reported."),
	NIC_COUNTER(tx_packets, "Frames the NIC sent."),
	NIC_COUNTER(tx_bytes, "Bytes the NIC sent."),
	NIC_COUNTER(tx_dropped, "Frames not sent (transmit ring full)."),
	NIC_COUNTER(tx_errors, "Transmit errors the NIC reported."),
};

static u64 nic_counter_value(const struct hv_status_nic *nic, const struct nic_counter *c)
{
	u64 v;

	memcpy(&v, (const u8 *)nic + c->offset, sizeof(v));
	return v;
}

static u32 exit_rows(const struct hv_status *s)
{
	return MIN(s->exit_count, (u32)HV_STATUS_EXITS_MAX);
}

/* --- /status: JSON ------------------------------------------------------- */

static void json_guest(struct out *o, const struct hv_status *s)
{
	out_str(o, "  \"guest\": {\n");
	json_str_field(o, "    ", "state", s->guest_state, false);
	if (str_is(s->guest_state, HV_GUEST_STOPPED))
		json_str_field(o, "    ", "stop_reason", s->stop_reason, false);
	else
		out_str(o, "    \"stop_reason\": null,\n");
	if (str_is(s->guest_state, HV_GUEST_EXITED))
		json_u64_field(o, "    ", "exit_code", s->guest_exit_code, true);
	else
		out_str(o, "    \"exit_code\": null\n");
	out_str(o, "  },\n");
}

static void json_rr(struct out *o, const struct hv_status *s)
{
	out_str(o, "  \"rr\": {\n");
	json_str_field(o, "    ", "mode", s->rr_mode, false);
	json_u64_field(o, "    ", "log_bytes", s->log_bytes, false);
	json_u64_field(o, "    ", "log_entries", s->log_entries, true);
	out_str(o, "  },\n");
}

static void json_exits(struct out *o, const struct hv_status *s)
{
	u32 rows = exit_rows(s);

	out_str(o, "  \"exits\": {\n");
	json_u64_field(o, "    ", "total", s->exits_total, false);
	json_u64_field(o, "    ", "guest_caused", s->guest_caused_exits, false);
	json_u64_field(o, "    ", "interrupts_injected", s->interrupts_injected, false);
	out_str(o, rows ? "    \"by_reason\": [\n" : "    \"by_reason\": []\n");
	for (u32 i = 0; i < rows; i++) {
		const struct hv_status_exit *e = &s->exits[i];

		out_str(o, "      { \"reason\": ");
		out_json_string(o, e->name);
		out_printf(o, ", \"count\": %llu, \"avg_cycles\": %llu }%s\n",
			   e->count, e->avg_cycles,
			   i + 1 < rows ? "," : "");
	}
	if (rows)
		out_str(o, "    ]\n");
	out_str(o, "  },\n");
}

static void json_nic(struct out *o, const struct hv_status *s)
{
	if (!s->has_nic) {
		out_str(o, "  \"nic\": null,\n");
		return;
	}
	out_str(o, "  \"nic\": {\n");
	json_str_field(o, "    ", "name", s->nic_name, false);
	out_str(o, "    \"mac\": \"");
	out_mac(o, s->mac);
	out_str(o, "\",\n");
	json_str_field(o, "    ", "address", s->address, false);
	for (size_t i = 0; i < ARRAY_SIZE(nic_counters); i++)
		json_u64_field(o, "    ", nic_counters[i].json,
			       nic_counter_value(&s->nic, &nic_counters[i]),
			       i + 1 == ARRAY_SIZE(nic_counters));
	out_str(o, "  },\n");
}

static void json_console_out(struct out *o, const struct hv_status_console_out *c)
{
	if (!c->on)
		return;
	out_str(o, "  \"console_out\": {\n");
	json_bool_field(o, "    ", "live", c->live, false);
	json_bool_field(o, "    ", "connected", c->connected, false);
	json_u64_field(o, "    ", "produced_bytes", c->produced, false);
	json_u64_field(o, "    ", "acked_bytes", c->acked, false);
	json_u64_field(o, "    ", "connections", c->connections, true);
	out_str(o, "  },\n");
}

static void json_http(struct out *o, const struct hv_status *s)
{
	out_str(o, "  \"http\": {\n");
	json_u64_field(o, "    ", "served", s->http.served, false);
	json_u64_field(o, "    ", "bad_requests", s->http.bad_requests, false);
	json_u64_field(o, "    ", "not_found", s->http.not_found, false);
	json_u64_field(o, "    ", "dropped_connections", s->http.dropped, true);
	out_str(o, "  }\n");
}

int http_status_json(char *buf, size_t size, const struct hv_status *s)
{
	struct out o;

	out_init(&o, buf, size);
	out_str(&o, "{\n");
	json_str_field(&o, "  ", "version", s->version, false);
	json_u64_field(&o, "  ", "uptime_ns", s->uptime_ns, false);
	out_str(&o, "  \"uptime_seconds\": ");
	out_seconds(&o, s->uptime_ns);
	out_str(&o, ",\n");
	json_str_field(&o, "  ", "backend", s->backend, false);
	json_guest(&o, s);
	json_rr(&o, s);
	json_ft(&o, &s->ft);
	json_console_out(&o, &s->console_out);
	json_exits(&o, s);
	json_nic(&o, s);
	json_http(&o, s);
	out_str(&o, "}\n");
	return out_finish(&o);
}

/* --- /metrics: Prometheus text format 0.0.4 ------------------------------- */

static void metrics_info(struct out *o, const struct hv_status *s)
{
	metric_family(o, "understudy_info", GAUGE,
		      "Version, virtualization backend and record/replay mode (always 1).");
	out_str(o, "understudy_info{version=\"");
	out_label_value(o, s->version);
	out_str(o, "\",backend=\"");
	out_label_value(o, s->backend);
	out_str(o, "\",rr_mode=\"");
	out_label_value(o, s->rr_mode);
	out_str(o, "\"} 1\n");

	metric_family(o, "understudy_uptime_seconds", GAUGE,
		      "Seconds since the hypervisor started.");
	out_str(o, "understudy_uptime_seconds ");
	out_seconds(o, s->uptime_ns);
	out_char(o, '\n');
}

static void metrics_guest(struct out *o, const struct hv_status *s)
{
	static const char *const states[] = {
		HV_GUEST_RUNNING, HV_GUEST_EXITED, HV_GUEST_STOPPED, HV_GUEST_NONE,
	};

	metric_family(o, "understudy_guest_state", GAUGE,
		      "The guest's state: 1 for the current one, 0 for the others.");
	for (size_t i = 0; i < ARRAY_SIZE(states); i++)
		metric_labeled(o, "understudy_guest_state", "state", states[i],
			       str_is(s->guest_state, states[i]));
	if (str_is(s->guest_state, HV_GUEST_EXITED))
		metric_scalar(o, "understudy_guest_exit_code", GAUGE,
			      "The exit code the guest ended with.", s->guest_exit_code);
}

static void metrics_rr(struct out *o, const struct hv_status *s)
{
	metric_scalar(o, "understudy_rr_log_bytes", GAUGE,
		      "Bytes in the record/replay log.", s->log_bytes);
	metric_scalar(o, "understudy_rr_log_entries", GAUGE,
		      "Entries in the record/replay log.", s->log_entries);
}

static void metrics_exits(struct out *o, const struct hv_status *s)
{
	u32 rows = exit_rows(s);

	metric_family(o, "understudy_vm_exits_total", COUNTER, "VM exits by reason.");
	for (u32 i = 0; i < rows; i++)
		metric_labeled(o, "understudy_vm_exits_total", "reason", s->exits[i].name,
			       s->exits[i].count);
	metric_family(o, "understudy_vm_exit_avg_cycles", GAUGE,
		      "Average hypervisor TSC cycles spent per VM exit, by reason.");
	for (u32 i = 0; i < rows; i++)
		metric_labeled(o, "understudy_vm_exit_avg_cycles", "reason", s->exits[i].name,
			       s->exits[i].avg_cycles);
	metric_scalar(o, "understudy_vm_guest_caused_exits_total", COUNTER,
		      "VM exits an instruction or access of the guest caused.",
		      s->guest_caused_exits);
	metric_scalar(o, "understudy_vm_interrupts_injected_total", COUNTER,
		      "Interrupts injected into the guest.", s->interrupts_injected);
}

static void metrics_nic(struct out *o, const struct hv_status *s)
{
	if (!s->has_nic)
		return;
	metric_family(o, "understudy_nic_info", GAUGE,
		      "The hypervisor's network device, its MAC and address (always 1).");
	out_str(o, "understudy_nic_info{nic=\"");
	out_label_value(o, s->nic_name);
	out_str(o, "\",mac=\"");
	out_mac(o, s->mac);
	out_str(o, "\",address=\"");
	out_label_value(o, s->address);
	out_str(o, "\"} 1\n");
	for (size_t i = 0; i < ARRAY_SIZE(nic_counters); i++) {
		const struct nic_counter *c = &nic_counters[i];

		metric_family(o, c->metric, COUNTER, c->help);
		metric_labeled(o, c->metric, "nic", s->nic_name, nic_counter_value(&s->nic, c));
	}
}

static void metrics_http(struct out *o, const struct hv_status *s)
{
	metric_scalar(o, "understudy_http_responses_total", COUNTER,
		      "Responses the control endpoint sent, any status.", s->http.served);
	metric_scalar(o, "understudy_http_bad_requests_total", COUNTER,
		      "Requests answered 400, 414, 431 or 505.", s->http.bad_requests);
	metric_scalar(o, "understudy_http_not_found_total", COUNTER,
		      "Requests answered 404.", s->http.not_found);
	metric_scalar(o, "understudy_http_dropped_connections_total", COUNTER,
		      "Connections refused (all slots busy), timed out, reset or out of memory.",
		      s->http.dropped);
}

int http_metrics_text(char *buf, size_t size, const struct hv_status *s)
{
	struct out o;

	out_init(&o, buf, size);
	metrics_info(&o, s);
	metrics_guest(&o, s);
	metrics_rr(&o, s);
	metrics_ft(&o, &s->ft);
	metrics_exits(&o, s);
	metrics_nic(&o, s);
	metrics_http(&o, s);
	return out_finish(&o);
}

/* --- heads, error bodies, routing ---------------------------------------- */

const char *http_reason_phrase(int status)
{
	switch (status) {
	case HTTP_STATUS_OK: return "OK";
	case HTTP_STATUS_ACCEPTED: return "Accepted";
	case HTTP_STATUS_BAD_REQUEST: return "Bad Request";
	case HTTP_STATUS_UNAUTHORIZED: return "Unauthorized";
	case HTTP_STATUS_FORBIDDEN: return "Forbidden";
	case HTTP_STATUS_CONFLICT: return "Conflict";
	case HTTP_STATUS_NOT_FOUND: return "Not Found";
	case HTTP_STATUS_METHOD_NOT_ALLOWED: return "Method Not Allowed";
	case HTTP_STATUS_URI_TOO_LONG: return "URI Too Long";
	case HTTP_STATUS_HEADERS_TOO_LARGE: return "Request Header Fields Too Large";
	case HTTP_STATUS_INTERNAL_ERROR: return "Internal Server Error";
	case HTTP_STATUS_SERVICE_UNAVAILABLE: return "Service Unavailable";
	case HTTP_STATUS_VERSION_NOT_SUPPORTED: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

/* The head, with an Allow header naming allow when the status is 405. */
static int head_allowing(char *buf, size_t size, int status, const char *content_type,
			 size_t content_length, const char *allow)
{
	struct out o;

	out_init(&o, buf, size);
	out_printf(&o, "HTTP/1.1 %d %s\r\n", status, http_reason_phrase(status));
	out_printf(&o, "Content-Type: %s\r\n", content_type);
	out_printf(&o, "Content-Length: %zu\r\n", content_length);
	out_str(&o, "Connection: close\r\nCache-Control: no-store\r\n");
	if (status == HTTP_STATUS_METHOD_NOT_ALLOWED)
		out_printf(&o, "Allow: %s\r\n", allow);
	out_str(&o, "\r\n");
	return out_finish(&o);
}

int http_response_head(char *buf, size_t size, int status, const char *content_type,
		       size_t content_length)
{
	return head_allowing(buf, size, status, content_type, content_length, HTTP_ALLOW_READ);
}

int http_error_body(char *buf, size_t size, int status)
{
	struct out o;

	out_init(&o, buf, size);
	out_printf(&o, "%d %s\n", status, http_reason_phrase(status));
	return out_finish(&o);
}

/*
 * The body is already at buf + HTTP_HEAD_RESERVE (body_len bytes); formats
 * the head just in front of it and describes the result in out.
 */
static int assemble_allowing(char *buf, size_t size, int status, const char *content_type,
			     int body_len, bool head_only, const char *allow, struct http_reply *out)
{
	char head[HTTP_HEAD_RESERVE];
	int head_len;

	if (body_len < 0)
		goto nospace;
	head_len = head_allowing(head, sizeof(head), status, content_type, (size_t)body_len, allow);
	if (head_len < 0)
		goto nospace;
	out->start = HTTP_HEAD_RESERVE - (size_t)head_len;
	out->len = (size_t)head_len + (head_only ? 0 : (size_t)body_len);
	out->status = (u16)status;
	memcpy(buf + out->start, head, (size_t)head_len);
	if (head_only)
		buf[HTTP_HEAD_RESERVE] = '\0'; /* keep the reply a C string */
	return (int)out->len;
nospace:
	if (size)
		buf[0] = '\0';
	return -ENOSPC;
}

static int assemble(char *buf, size_t size, int status, const char *content_type,
		    int body_len, bool head_only, struct http_reply *out)
{
	return assemble_allowing(buf, size, status, content_type, body_len, head_only,
				 HTTP_ALLOW_READ, out);
}

int http_reply_text(char *buf, size_t size, int status, const char *allow, const char *text,
		    struct http_reply *out)
{
	int body_len = -ENOSPC;
	struct out o;

	if (size > HTTP_HEAD_RESERVE) {
		out_init(&o, buf + HTTP_HEAD_RESERVE, size - HTTP_HEAD_RESERVE);
		if (status == HTTP_STATUS_OK)
			out_printf(&o, "%s\n", text);
		else
			out_printf(&o, "%d %s: %s\n", status, http_reason_phrase(status), text);
		body_len = out_finish(&o);
	}
	return assemble_allowing(buf, size, status, HTTP_CONTENT_TEXT, body_len, false,
				 allow ? allow : HTTP_ALLOW_READ, out);
}

static int reply_error(char *buf, size_t size, int status, bool head_only,
		       struct http_reply *out)
{
	int body_len = -ENOSPC;

	if (size > HTTP_HEAD_RESERVE)
		body_len = http_error_body(buf + HTTP_HEAD_RESERVE, size - HTTP_HEAD_RESERVE, status);
	return assemble(buf, size, status, HTTP_CONTENT_TEXT, body_len, head_only, out);
}

int http_reply_error(char *buf, size_t size, int status, struct http_reply *out)
{
	return reply_error(buf, size, status, false, out);
}

/* Renders the body of a 200 at buf + HTTP_HEAD_RESERVE. */
static int render_body(char *buf, size_t size, const char *path, const struct hv_status *s)
{
	char *body;
	size_t room;

	if (size <= HTTP_HEAD_RESERVE)
		return -ENOSPC;
	body = buf + HTTP_HEAD_RESERVE;
	room = size - HTTP_HEAD_RESERVE;
	if (!strcmp(path, HTTP_PATH_STATUS))
		return http_status_json(body, room, s);
	return http_metrics_text(body, room, s);
}

int http_reply_build(char *buf, size_t size, const struct http_request *req,
		     const struct hv_status *s, struct http_reply *out)
{
	bool head_only = req->method == HTTP_METHOD_HEAD;
	const char *type;

	if (req->result == HTTP_PARSE_ERROR)
		return reply_error(buf, size, req->status, head_only, out);
	if (req->result != HTTP_PARSE_COMPLETE)
		return -EINVAL;
	if (req->method == HTTP_METHOD_POST &&
	    (!strcmp(req->path, HTTP_PATH_STATUS) || !strcmp(req->path, HTTP_PATH_METRICS)))
		return reply_error(buf, size, HTTP_STATUS_METHOD_NOT_ALLOWED, false, out);

	if (!strcmp(req->path, HTTP_PATH_STATUS))
		type = HTTP_CONTENT_JSON;
	else if (!strcmp(req->path, HTTP_PATH_METRICS))
		type = HTTP_CONTENT_METRICS;
	else
		return reply_error(buf, size, HTTP_STATUS_NOT_FOUND, head_only, out);
	if (!s)
		return -EINVAL;
	return assemble(buf, size, HTTP_STATUS_OK, type, render_body(buf, size, req->path, s),
			head_only, out);
}
