/* SPDX-License-Identifier: MIT */
/*
 * The rest of the kernel as the extracted mm code sees it: locking, WARN/BUG, the page-table
 * page allocator, the capability and KFENCE predicates, CPU accounting. CUSTOMISED where the
 * kernel would block, allocate or report (each a harness request); STUBBED where the answer is
 * kernel state owned by the bundled port (a BBM_REQ_QUERY, answered from its KernelOps.inspect()
 * and the run's SutConfig).
 */
#ifndef BBM_KERNEL_H
#define BBM_KERNEL_H

/* ---- WARN / BUG (asm-generic/bug.h) ----------------------------------------------------------- */

/** A WARN: "function: text" to the harness; the caller goes on. */
void bbm_warn(const char *function, const char *text);
/** A BUG: "function: text" to the harness; the task dies. */
__attribute__((noreturn)) void bbm_bug(const char *function, const char *text);

#define WARN_ON(condition)                                                                          \
	({                                                                                          \
		bool __bbm_c = !!(condition);                                                       \
		if (unlikely(__bbm_c))                                                              \
			bbm_warn(__func__, "WARN_ON(" #condition ") at " BBM_WHERE); \
		__bbm_c;                                                                            \
	})
#define WARN_ON_ONCE(condition) WARN_ON(condition) /* DEVIATION: warns every time */
#define VM_WARN_ON(condition) ((void)WARN_ON(condition)) /* as with CONFIG_DEBUG_VM */
#define BUG_ON(condition)                                                                           \
	do {                                                                                        \
		if (unlikely(condition))                                                            \
			bbm_bug(__func__, "BUG_ON(" #condition ") at " BBM_WHERE);   \
	} while (0)
#define BUG() bbm_bug(__func__, "BUG() at " BBM_WHERE)

/* ---- the mutex (linux/mutex.h): a harness lock, spinning as a blocked scheduling point ---------- */

struct mutex { const char *name; };
#define DEFINE_MUTEX(mutexname) struct mutex mutexname = { #mutexname }
#define mutex_lock(m) bbm_request(BBM_REQ_LOCK, 0, 0, 0, (m)->name)
#define mutex_unlock(m) bbm_request(BBM_REQ_UNLOCK, 0, 0, 0, (m)->name)

/* ---- the page-table page allocator (linux/mm.h, asm/pgalloc.h) ---------------------------------- */

#define __GFP_ZERO 0x100u
#define GFP_PGTABLE_KERNEL ((gfp_t)BBM_GFP_PGTABLE_KERNEL)
#define GFP_ATOMIC ((gfp_t)BBM_GFP_ATOMIC)
#define GFP_KERNEL ((gfp_t)BBM_GFP_KERNEL)

enum pgtable_level {
	PGTABLE_LEVEL_PTE = 0,
	PGTABLE_LEVEL_PMD,
	PGTABLE_LEVEL_PUD,
	PGTABLE_LEVEL_P4D,
	PGTABLE_LEVEL_PGD,
};

/* The v6.18 spelling of the same (renamed by 1b214452b6a7); one numbering for both. */
enum pgtable_type {
	TABLE_PTE = PGTABLE_LEVEL_PTE,
	TABLE_PMD = PGTABLE_LEVEL_PMD,
	TABLE_PUD = PGTABLE_LEVEL_PUD,
	TABLE_P4D = PGTABLE_LEVEL_P4D,
};

/** A page-table descriptor. DEVIATION: a ptdesc is its page's linear-map VA (no struct page). */
struct ptdesc;
struct page;
#define ptdesc_page(pt) ((struct page *)(pt))
/* DEVIATION: a `struct page *` is its page's linear-map VA too (set_direct_map_*_noflush()). */
#define page_address(page) ((void *)(page))
/*
 * STUBBED vmalloc areas (linux/vmalloc.h): the areas are the rest of the SUT's (the port's
 * vm_areas); find_vm_area() asks the harness for the one holding a VA and fills a copy owned by
 * the calling task, valid until its next find_vm_area(). DEVIATION: vm_unmap_aliases() does
 * nothing (no lazily freed vmap areas are modelled, as in the port).
 */
#define VM_ALLOC 0x00000002
#define VM_ALLOW_HUGE_VMAP 0x00000400
struct vm_struct {
	void *addr;
	unsigned long size;
	unsigned long flags;
	struct page **pages;
	unsigned int nr_pages;
};
struct vm_struct *find_vm_area(const void *addr);
static inline void vm_unmap_aliases(void) {}
#define kasan_reset_tag(addr) (addr)

/* asm/mmu.h: what pageattr.c calls in mmu.c (another translation unit, as in the kernel). */
int split_kernel_leaf_mapping(unsigned long start, unsigned long end);
#define page_to_phys(page) __pa(page)

/** enum bbm_context of the running task (kept by the harness). */
int bbm_current_context(void);

static inline int bbm_arm_level(int level)
{
	return 3 - level; /* PTE = Arm level 3 */
}

static inline struct ptdesc *bbm_pagetable_alloc(gfp_t gfp, unsigned int order, int level)
{
	u64 pa;

	if (order != 0)
		BUG();
	pa = bbm_request(BBM_REQ_ALLOC, (u64)bbm_arm_level(level), gfp & ~__GFP_ZERO, (u64)bbm_current_context(), 0);
	return pa == INVALID_PHYS_ADDR ? (struct ptdesc *)0 : (struct ptdesc *)__va(pa);
}
/*
 * pagetable_alloc(gfp, order). DEVIATION: the model's alloc event names the table's level, which
 * the kernel's allocator does not know; the shim reads it from the caller's `pgtable_level`
 * variable (the name __pgd_pgtable_alloc() gives it since 1b214452b6a7; `pgtable_type` in a
 * v6.18-spelled tree, BBM_SPELLING_V6_18 from kernel/spelling.ts). The calling context is
 * the task's (`process` for a split, `stopped` inside the stop_machine() repaint).
 */
#ifdef BBM_SPELLING_V6_18
#define pagetable_alloc(gfp, order) bbm_pagetable_alloc((gfp), (order), (int)pgtable_type)
#else
#define pagetable_alloc(gfp, order) bbm_pagetable_alloc((gfp), (order), (int)pgtable_level)
#endif
#define pagetable_pte_ctor(mm, ptdesc) true /* DEVIATION: no split page-table locks */
#define pagetable_pmd_ctor(mm, ptdesc) true
#define pagetable_pud_ctor(ptdesc) ((void)(ptdesc))
#define pagetable_p4d_ctor(ptdesc) ((void)(ptdesc))

/* ---- STUBBED kernel state ------------------------------------------------------------------------ */

#define bbm_query(q) bbm_request(BBM_REQ_QUERY, (q), 0, 0, 0)
#define linear_map_requires_bbml2 ((bool)bbm_query(BBM_Q_LINEAR_MAP_REQUIRES_BBML2))
#define system_supports_bbml2_noabort() ((bool)bbm_query(BBM_Q_SYSTEM_SUPPORTS_BBML2_NOABORT))
#define system_capabilities_finalized() ((bool)bbm_query(BBM_Q_CAPABILITIES_FINALIZED))
#define page_alloc_available ((bool)bbm_query(BBM_Q_PAGE_ALLOC_AVAILABLE))
#define debug_pagealloc_enabled() ((bool)bbm_query(BBM_Q_DEBUG_PAGEALLOC))
#define rodata_full ((bool)bbm_query(BBM_Q_RODATA_FULL))
#define is_realm_world() ((bool)bbm_query(BBM_Q_REALM))
#define arm64_kfence_can_set_direct_map() ((bool)bbm_query(BBM_Q_KFENCE_LATE))
#define cpu_supports_bbml2_noabort() ((bool)bbm_query(BBM_Q_CPU_SUPPORTS_BBML2_NOABORT))
#define kfence_early_init ((bool)bbm_query(BBM_Q_KFENCE_EARLY_INIT))
#define num_online_cpus() ((unsigned int)bbm_request(BBM_REQ_ONLINE, 0, 0, 0, 0))

#define CONFIG_KFENCE_NUM_OBJECTS 255
#define KFENCE_POOL_SIZE ((CONFIG_KFENCE_NUM_OBJECTS + 1) * 2 * PAGE_SIZE)
#define __kfence_pool ((char *)bbm_query(BBM_Q_KFENCE_POOL))
static inline bool is_kfence_address(const void *addr)
{
	char *pool = __kfence_pool;

	return (unsigned long)((const char *)addr - pool) < KFENCE_POOL_SIZE && pool;
}

/* ---- bitops ------------------------------------------------------------------------------------- */

/* __ffs(0) is undefined in the kernel; 0 here, as in the bundled port. */
static inline unsigned long __ffs(unsigned long word) { return word ? (unsigned long)__builtin_ctzl(word) : 0; }

#endif /* BBM_KERNEL_H */
