#include "printf.h"
#include "serial.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* Divides *v by 10 in place and returns the remainder, using only 32-bit
 * divisions (16 bits at a time), so no libgcc __udivdi3 is needed. */
static unsigned divmod10(u64 *v)
{
	u32 parts[4] = { (u32)(*v >> 48) & 0xFFFF, (u32)(*v >> 32) & 0xFFFF,
			 (u32)(*v >> 16) & 0xFFFF, (u32)*v & 0xFFFF };
	u32 rem = 0;
	u64 q = 0;
	for (int i = 0; i < 4; i++) {
		u32 cur = (rem << 16) | parts[i];
		q = (q << 16) | (cur / 10);
		rem = cur % 10;
	}
	*v = q;
	return rem;
}

/* Formats one number: base 10 or 16, optional sign, zero or space padding
 * to a width, left-justified when asked. */
static void put_num(struct out *o, u64 v, bool neg, int base, bool upper, int width,
		    bool zero, bool left)
{
	char tmp[24];
	int n = 0;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	do {
		if (base == 16) {
			tmp[n++] = digits[v & 0xF];
			v >>= 4;
		} else {
			tmp[n++] = digits[divmod10(&v)];
		}
	} while (v);
	int len = n + (neg ? 1 : 0);
	if (!left && !zero)
		for (; width > len; width--)
			put(o, ' ');
	if (neg)
		put(o, '-');
	if (!left && zero)
		for (; width > len; width--)
			put(o, '0');
	while (n)
		put(o, tmp[--n]);
	if (left)
		for (; width > len; width--)
			put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		bool zero = false, left = false;
		for (;; fmt++) {
			if (*fmt == '0')
				zero = true;
			else if (*fmt == '-')
				left = true;
			else
				break;
		}
		int width = 0;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		int longs = 0;
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			s64 v = longs >= 2 ? va_arg(ap, s64) : va_arg(ap, s32);
			bool neg = v < 0;
			put_num(&o, neg ? (u64)0 - (u64)v : (u64)v, neg, 10, false, width, zero, left);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			u64 v = longs >= 2 ? va_arg(ap, u64) : va_arg(ap, u32);
			put_num(&o, v, false, *fmt == 'u' ? 10 : 16, *fmt == 'X', width, zero, left);
			break;
		}
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (u32)va_arg(ap, void *), false, 16, false, 8, true, false);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			for (int w = width; !left && w > 1; w--)
				put(&o, ' ');
			put(&o, c);
			for (int w = width; left && w > 1; w--)
				put(&o, ' ');
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int len = 0;
			while (s[len])
				len++;
			for (int w = width; !left && w > len; w--)
				put(&o, ' ');
			for (int i = 0; i < len; i++)
				put(&o, s[i]);
			for (int w = width; left && w > len; w--)
				put(&o, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	serial_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
