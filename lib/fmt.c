/* printf-style formatter shared by the console, logs and host tools. */
#include "fmt.h"

enum fmt_flag {
	FLAG_LEFT = 1 << 0,  /* '-' */
	FLAG_ZERO = 1 << 1,  /* '0' */
	FLAG_PLUS = 1 << 2,  /* '+' */
	FLAG_SPACE = 1 << 3, /* ' ' */
	FLAG_ALT = 1 << 4,   /* '#' */
	FLAG_PTR = 1 << 5,   /* %p: "0x" prefix even for NULL */
};

enum fmt_length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

struct fmt_spec {
	unsigned flags;
	int width;
	int precision; /* -1: none given */
	enum fmt_length length;
};

struct fmt_out {
	fmt_sink_fn sink;
	void *ctx;
	int count;
};

static void out_char(struct fmt_out *o, char c)
{
	o->sink(o->ctx, c);
	o->count++;
}

static void out_repeat(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

/* Emits prefix+digits padded to the spec's width and precision. */
static void out_number(struct fmt_out *o, const struct fmt_spec *s, const char *prefix,
		       const char *digits, int ndigits)
{
	int plen = 0, zeros = 0, pad;

	while (prefix[plen])
		plen++;
	if (s->precision >= 0) {
		zeros = s->precision > ndigits ? s->precision - ndigits : 0;
	} else if ((s->flags & FLAG_ZERO) && !(s->flags & FLAG_LEFT)) {
		zeros = s->width - plen - ndigits;
	}
	if (zeros < 0)
		zeros = 0;
	pad = s->width - plen - zeros - ndigits;
	if (!(s->flags & FLAG_LEFT))
		out_repeat(o, ' ', pad);
	for (int i = 0; i < plen; i++)
		out_char(o, prefix[i]);
	out_repeat(o, '0', zeros);
	for (int i = 0; i < ndigits; i++)
		out_char(o, digits[i]);
	if (s->flags & FLAG_LEFT)
		out_repeat(o, ' ', pad);
}

/* Formats an unsigned magnitude in base 8, 10 or 16 with sign/prefix. */
static void format_integer(struct fmt_out *o, const struct fmt_spec *s, u64 mag, bool negative,
			   unsigned base, bool upper, bool is_signed)
{
	const char *alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24], digits[24];
	const char *prefix = "";
	int n = 0;

	do {
		buf[n++] = alphabet[mag % base];
		mag /= base;
	} while (mag);
	if (s->precision == 0 && n == 1 && buf[0] == '0')
		n = 0; /* C: zero with precision 0 prints no digits */
	for (int i = 0; i < n; i++)
		digits[i] = buf[n - 1 - i];

	if (is_signed && negative)
		prefix = "-";
	else if (is_signed && (s->flags & FLAG_PLUS))
		prefix = "+";
	else if (is_signed && (s->flags & FLAG_SPACE))
		prefix = " ";
	else if (base == 16 && n > 0 &&
		 ((s->flags & FLAG_PTR) || ((s->flags & FLAG_ALT) && digits[0] != '0')))
		prefix = upper ? "0X" : "0x"; /* C: '#' gives zero no prefix */
	else if ((s->flags & FLAG_ALT) && base == 8 && (n == 0 || digits[0] != '0') &&
		 s->precision <= n)
		prefix = "0"; /* C: only if the precision gives no leading zero */
	out_number(o, s, prefix, digits, n);
}

static void format_string(struct fmt_out *o, const struct fmt_spec *s, const char *str)
{
	int len = 0, pad;

	if (!str)
		str = "(null)";
	/* Precision first: with one, str need not be NUL-terminated (C11 7.21.6.1). */
	while ((s->precision < 0 || len < s->precision) && str[len])
		len++;
	pad = s->width - len;
	if (!(s->flags & FLAG_LEFT))
		out_repeat(o, ' ', pad);
	for (int i = 0; i < len; i++)
		out_char(o, str[i]);
	if (s->flags & FLAG_LEFT)
		out_repeat(o, ' ', pad);
}

/* Reads flags, width, precision and length modifier; returns the position of
 * the conversion character. */
static const char *parse_spec(const char *p, struct fmt_spec *s, va_list *ap)
{
	s->flags = 0;
	s->width = 0;
	s->precision = -1;
	s->length = LEN_INT;

	for (;; p++) {
		if (*p == '-')
			s->flags |= FLAG_LEFT;
		else if (*p == '0')
			s->flags |= FLAG_ZERO;
		else if (*p == '+')
			s->flags |= FLAG_PLUS;
		else if (*p == ' ')
			s->flags |= FLAG_SPACE;
		else if (*p == '#')
			s->flags |= FLAG_ALT;
		else
			break;
	}
	if (*p == '*') {
		s->width = va_arg(*ap, int);
		if (s->width < 0) {
			s->flags |= FLAG_LEFT;
			s->width = -s->width;
		}
		p++;
	} else {
		while (*p >= '0' && *p <= '9')
			s->width = s->width * 10 + (*p++ - '0');
	}
	if (*p == '.') {
		p++;
		s->precision = 0;
		if (*p == '*') {
			s->precision = va_arg(*ap, int);
			p++;
		} else {
			while (*p >= '0' && *p <= '9')
				s->precision = s->precision * 10 + (*p++ - '0');
		}
		if (s->precision < 0)
			s->precision = -1;
	}
	if (p[0] == 'h' && p[1] == 'h') {
		s->length = LEN_CHAR;
		p += 2;
	} else if (p[0] == 'l' && p[1] == 'l') {
		s->length = LEN_LLONG;
		p += 2;
	} else if (*p == 'h') {
		s->length = LEN_SHORT;
		p++;
	} else if (*p == 'l') {
		s->length = LEN_LONG;
		p++;
	} else if (*p == 'z' || *p == 't' || *p == 'j') {
		s->length = *p == 'j' ? LEN_LLONG : LEN_SIZE;
		p++;
	}
	return p;
}

static s64 fetch_signed(const struct fmt_spec *s, va_list *ap)
{
	switch (s->length) {
	case LEN_CHAR: return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG: return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE: return (s64)va_arg(*ap, size_t);
	default: return va_arg(*ap, int);
	}
}

static u64 fetch_unsigned(const struct fmt_spec *s, va_list *ap)
{
	switch (s->length) {
	case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned);
	case LEN_LONG: return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE: return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned);
	}
}

/* Formats one conversion; unknown conversions are printed as written. */
static void format_conversion(struct fmt_out *o, struct fmt_spec *s, const char *start,
			      const char *conv, va_list *ap)
{
	switch (*conv) {
	case 'd':
	case 'i': {
		s64 v = fetch_signed(s, ap);
		u64 mag = v < 0 ? (u64)0 - (u64)v : (u64)v;

		format_integer(o, s, mag, v < 0, 10, false, true);
		break;
	}
	case 'u': format_integer(o, s, fetch_unsigned(s, ap), false, 10, false, false); break;
	case 'x': format_integer(o, s, fetch_unsigned(s, ap), false, 16, false, false); break;
	case 'X': format_integer(o, s, fetch_unsigned(s, ap), false, 16, true, false); break;
	case 'o': format_integer(o, s, fetch_unsigned(s, ap), false, 8, false, false); break;
	case 'p':
		s->flags |= FLAG_PTR;
		format_integer(o, s, (uptr)va_arg(*ap, void *), false, 16, false, false);
		break;
	case 'c': {
		char c = (char)va_arg(*ap, int);

		if (!(s->flags & FLAG_LEFT))
			out_repeat(o, ' ', s->width - 1);
		out_char(o, c);
		if (s->flags & FLAG_LEFT)
			out_repeat(o, ' ', s->width - 1);
		break;
	}
	case 's': format_string(o, s, va_arg(*ap, const char *)); break;
	case '%': out_char(o, '%'); break;
	default:
		for (const char *q = start; q <= conv; q++)
			out_char(o, *q);
		break;
	}
}

int fmt_vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap)
{
	struct fmt_out o = { sink, ctx, 0 };
	struct fmt_spec spec;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;

		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &spec, &args);
		if (!*fmt) { /* lone '%' at the end: print what was there */
			while (start < fmt)
				out_char(&o, *start++);
			break;
		}
		format_conversion(&o, &spec, start, fmt, &args);
		fmt++;
	}
	va_end(args);
	return o.count;
}

struct buf_sink {
	char *buf;
	size_t size;
	size_t pos;
};

static void buf_put(void *ctx, char c)
{
	struct buf_sink *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_sink b = { buf, size, 0 };
	int n = fmt_vformat(buf_put, &b, fmt, ap);

	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
