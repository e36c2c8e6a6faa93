// SPDX-License-Identifier: MIT
/*
 * Plain loads of table entries, through compiler instrumentation.
 *
 * The kernel's C reads table entries with accessors (READ_ONCE, pmdp_get(), ptep_get()), but not
 * only: the generic walker of mm/pagewalk.c tests `pmd_none(*pmd)` and `pud_none(*pud)` with plain
 * loads. To run such code unchanged, every table pointer the shim hands out (`__va()`,
 * `phys_to_virt()`, `pXd_offset()`, a new table's ptdesc) points into a *mirror*: one host
 * reservation (MAP_NORESERVE, no memory until touched) in which a table entry's host address is
 * `mirror + PA`. The tree's units are compiled with `-fsanitize=thread` (kernel/build.ts) and
 * linked without its runtime: GCC calls `__tsan_readN(addr)` before every plain load and
 * `__tsan_writeN(addr)` before every plain store; the definitions below are the whole runtime.
 *
 * - A plain load from the mirror becomes a harness READ of the 8-byte entry holding it (a
 *   scheduling point and a model event, exactly as READ_ONCE) whose answer is written into the
 *   mirror just before the instruction loads it. The mirror's content is otherwise never trusted.
 * - A plain store into the mirror is a BUG (the message names the PA): the harness sees only the
 *   kernel's store accessors (WRITE_ONCE, set_pte(), set_pmd(), …), so a store it cannot see
 *   would silently escape the model — loud instead (DEVIATION: the kernel would just store).
 * - Every other address (the task's stack, the harness's own data) returns at once.
 *
 * The harness file itself is compiled without instrumentation, so its own accesses never come
 * here. Each unit's constructor calls `__tsan_init()`; nothing needs initialising.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

#include "../shim/bbm_primitives.h"

typedef uint64_t u64;

/* The mirror's reserved size: PAs [0, 2^42) (4 TiB, one mirror per granule's addon in a process); a larger PA is a BUG naming it. */
#define BBM_MIRROR_BITS 42
/* The mirror's alignment: a 64K-granule table (and so any table page) keeps its offsets. */
#define BBM_MIRROR_ALIGN (2UL << 20)

static unsigned char *mirror;
static char bug_text[160];

void bbm_bug(const char *function, const char *text);

static unsigned char *mirror_base(void)
{
	if (!mirror) {
		size_t size = (1UL << BBM_MIRROR_BITS) + BBM_MIRROR_ALIGN;
		void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (p == MAP_FAILED)
			bbm_bug("bbm harness", "cannot reserve the table mirror (mmap MAP_NORESERVE of 4 TiB)");
		mirror = (unsigned char *)(((uintptr_t)p + BBM_MIRROR_ALIGN - 1) & ~(uintptr_t)(BBM_MIRROR_ALIGN - 1));
	}
	return mirror;
}

/** The host pointer of a table entry's PA (the shim's `__va()` of a table). */
void *bbm_pa_to_ptr(u64 pa)
{
	if (pa >> BBM_MIRROR_BITS) {
		snprintf(bug_text, sizeof(bug_text), "table PA %#llx is beyond the mirror (2^%d)", (unsigned long long)pa,
			 BBM_MIRROR_BITS);
		bbm_bug("bbm harness", bug_text);
	}
	return mirror_base() + pa;
}

/** Whether a host pointer is a table entry's (in the mirror); its PA through *pa. */
int bbm_ptr_in_mirror(const void *p, u64 *pa)
{
	uintptr_t base = (uintptr_t)mirror_base(), at = (uintptr_t)p;

	if (at < base || at - base >= (1UL << BBM_MIRROR_BITS))
		return 0;
	*pa = at - base;
	return 1;
}

/* A plain load of `size` bytes at p: the entries it covers are read through the harness first. */
static void plain_load(const void *p, unsigned size)
{
	u64 pa, first, last, at;

	if (!bbm_ptr_in_mirror(p, &pa))
		return;
	first = pa & ~7ULL;
	last = (pa + size - 1) & ~7ULL;
	for (at = first; at <= last; at += 8)
		*(volatile u64 *)(mirror + at) = bbm_request(BBM_REQ_READ, at, 0, 0, 0);
}

/* A plain store into the mirror: a BUG, the harness could not see it. */
static void plain_store(const void *p, unsigned size)
{
	u64 pa;

	if (!bbm_ptr_in_mirror(p, &pa))
		return;
	snprintf(bug_text, sizeof(bug_text),
		 "plain %u-byte store to the table entry at PA %#llx (the harness sees only WRITE_ONCE/set_*() stores)",
		 size, (unsigned long long)pa);
	bbm_bug("bbm harness", bug_text);
}

void __tsan_init(void) {}
void __tsan_func_entry(void *pc) { (void)pc; }
void __tsan_func_exit(void) {}

#define BBM_TSAN_SIZE(n)                                                                           \
	void __tsan_read##n(void *p) { plain_load(p, n); }                                         \
	void __tsan_write##n(void *p) { plain_store(p, n); }                                       \
	void __tsan_unaligned_read##n(void *p) { plain_load(p, n); }                               \
	void __tsan_unaligned_write##n(void *p) { plain_store(p, n); }                             \
	void __tsan_volatile_read##n(void *p) { plain_load(p, n); }                                \
	void __tsan_volatile_write##n(void *p) { plain_store(p, n); }
BBM_TSAN_SIZE(1)
BBM_TSAN_SIZE(2)
BBM_TSAN_SIZE(4)
BBM_TSAN_SIZE(8)
BBM_TSAN_SIZE(16)

void __tsan_read_range(void *p, unsigned long size) { plain_load(p, (unsigned)size); }
void __tsan_write_range(void *p, unsigned long size) { plain_store(p, (unsigned)size); }
