/*
 * mbedTLS's heap in host tests of the TLS link (net/tls/tls_link.c takes
 * it from the page allocator once): one aligned block, taken once.
 * Included by one file of a test binary, which gets page_alloc from it.
 */
#ifndef UNDERSTUDY_TEST_FAKE_TLS_HEAP_H
#define UNDERSTUDY_TEST_FAKE_TLS_HEAP_H

#include <stdlib.h>

#include "arch/x86/mm.h"

int page_alloc(u64 npages, u64 align_pages, phys_addr_t *out)
{
	static void *heap;
	static u64 pages;

	if (!heap) {
		pages = npages;
		heap = aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE);
	}
	assert_true(npages <= pages); /* one heap, taken once */
	*out = virt_to_phys(heap);
	return 0;
}

#endif
