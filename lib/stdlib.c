/* The C library's atoi, for lwIP (netif_find reads an interface number). */
#include <stdlib.h>

int atoi(const char *s)
{
	int v = 0, sign = 1;

	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	if (*s == '-' || *s == '+')
		sign = *s++ == '-' ? -1 : 1;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return sign * v;
}
