/* SPDX-License-Identifier: MIT */
/*
 * bbm-verify kernel shim: what the extracted arch/arm64/mm code needs from the rest of the kernel,
 * in the three kinds of the kernel's own tools/testing/vma harness:
 *
 *   DUPLICATED  geometry and descriptor accessors, written from arch/arm64/include/asm/
 *               {pgtable-hwdef.h,pgtable.h,page-def.h,memory.h} (VA_BITS = 48, no LPA2);
 *   CUSTOMISED  the primitives that touch page tables or hardware (READ_ONCE of an entry, the
 *               set_p?d() family, dsb/isb, the page-table allocator, the mutex, lazy MMU mode):
 *               each is a request to the bbm-verify harness, which performs it through the SUT
 *               contract's Primitives (impl/CONTRACT.md §3), so every store is seen by the model;
 *   STUBBED     kernel state owned by the rest of the SUT (the capability, page_alloc_available,
 *               the KFENCE pool): read from the bundled port through a query.
 *
 * Table pointers (pte_t *, pmd_t *, …) are host addresses in the harness's table mirror
 * (kernel/harness/bbm_plain.c; DEVIATION: the kernel's are linear-map VAs, and `__pa()` takes
 * both). Accessors below make every access a request; a plain `*pmdp` (upstream mm/pagewalk.c
 * has them) is one too, through GCC's ThreadSanitizer calls, and a plain store is a BUG.
 * Linear-map VAs used as addresses (page_address(), lm_alias(), the callers' ranges) stay VAs.
 *
 * Exactly one of CONFIG_ARM64_4K_PAGES, CONFIG_ARM64_16K_PAGES, CONFIG_ARM64_64K_PAGES is given
 * on the command line, as Kconfig does.
 */
#ifndef BBM_SHIM_H
#define BBM_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef u64 phys_addr_t;
typedef u64 pteval_t;
typedef u64 ptval_t; /* any level's descriptor value (asm/pgtable-types.h, v7.2) */
typedef u64 pmdval_t;
typedef u64 pudval_t;
typedef u64 p4dval_t;
typedef u64 pgdval_t;
typedef unsigned int gfp_t;

#define _AT(T, X) ((T)(X))
#define BIT(n) (1UL << (n))
#define SZ_4K 0x1000UL
#define IS_ALIGNED(x, a) (((x) & ((typeof(x))(a) - 1)) == 0)
#define ALIGN_DOWN(x, a) ((x) & ~((typeof(x))(a) - 1))
#define PTR_ALIGN_DOWN(p, a) ((typeof(p))ALIGN_DOWN((unsigned long)(p), (a)))
#define unlikely(x) __builtin_expect(!!(x), 0)
#define likely(x) __builtin_expect(!!(x), 1)
#define __init
#define __initdata
#define __ro_after_init
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)

#define EINVAL 22
#define ENOMEM 12
#define EBUSY 16

/* ---- DUPLICATED: geometry (page-def.h, pgtable-hwdef.h, Kconfig defaults) ------------------ */

/* The Kconfig the harness checks beyond the page size: KFENCE built in (arch_kfence_init_pool()). */
#define CONFIG_KFENCE 1

#if defined(CONFIG_ARM64_4K_PAGES)
#define CONFIG_ARM64_PAGE_SHIFT 12
#define CONFIG_PGTABLE_LEVELS 4
#define CONFIG_ARM64_CONT_PTE_SHIFT 4
#define CONFIG_ARM64_CONT_PMD_SHIFT 4
#elif defined(CONFIG_ARM64_16K_PAGES)
#define CONFIG_ARM64_PAGE_SHIFT 14
#define CONFIG_PGTABLE_LEVELS 4
#define CONFIG_ARM64_CONT_PTE_SHIFT 7
#define CONFIG_ARM64_CONT_PMD_SHIFT 5
#elif defined(CONFIG_ARM64_64K_PAGES)
#define CONFIG_ARM64_PAGE_SHIFT 16
#define CONFIG_PGTABLE_LEVELS 3
#define CONFIG_ARM64_CONT_PTE_SHIFT 5
#define CONFIG_ARM64_CONT_PMD_SHIFT 5
#else
#error "bbm shim: give one of CONFIG_ARM64_4K_PAGES, CONFIG_ARM64_16K_PAGES, CONFIG_ARM64_64K_PAGES"
#endif

#define VA_BITS 48
#define PAGE_SHIFT CONFIG_ARM64_PAGE_SHIFT
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGNED(addr) ((((unsigned long)(addr)) & ~PAGE_MASK) == 0)
#define ARM64_HW_PGTABLE_LEVEL_SHIFT(n) ((PAGE_SHIFT - 3) * (4 - (n)) + 3)
#define PTRS_PER_PTE (1 << (PAGE_SHIFT - 3))
#define PMD_SHIFT ARM64_HW_PGTABLE_LEVEL_SHIFT(2)
#define PMD_SIZE (1UL << PMD_SHIFT)
#define PMD_MASK (~(PMD_SIZE - 1))
#define PTRS_PER_PMD (1 << (PAGE_SHIFT - 3))
#define PGDIR_SHIFT ARM64_HW_PGTABLE_LEVEL_SHIFT(4 - CONFIG_PGTABLE_LEVELS)
#define PGDIR_SIZE (1UL << PGDIR_SHIFT)
#define PTRS_PER_PGD (1 << (VA_BITS - PGDIR_SHIFT))
#define P4D_SHIFT PGDIR_SHIFT
#define P4D_SIZE PGDIR_SIZE
#if CONFIG_PGTABLE_LEVELS > 3
#define PUD_SHIFT ARM64_HW_PGTABLE_LEVEL_SHIFT(1)
#define PTRS_PER_PUD (1 << (PAGE_SHIFT - 3))
#else
#define __PAGETABLE_PUD_FOLDED 1
#define PUD_SHIFT P4D_SHIFT
#define PTRS_PER_PUD 1
#endif
#define PUD_SIZE (1UL << PUD_SHIFT)
#define PUD_MASK (~(PUD_SIZE - 1))
#define CONT_PTE_SHIFT (CONFIG_ARM64_CONT_PTE_SHIFT + PAGE_SHIFT)
#define CONT_PTES (1 << (CONT_PTE_SHIFT - PAGE_SHIFT))
#define CONT_PTE_SIZE (CONT_PTES * PAGE_SIZE)
#define CONT_PTE_MASK (~(CONT_PTE_SIZE - 1))
#define CONT_PMD_SHIFT (CONFIG_ARM64_CONT_PMD_SHIFT + PMD_SHIFT)
#define CONT_PMDS (1 << (CONT_PMD_SHIFT - PMD_SHIFT))
#define CONT_PMD_SIZE (CONT_PMDS * PMD_SIZE)
#define CONT_PMD_MASK (~(CONT_PMD_SIZE - 1))
#define PHYS_MASK_SHIFT 48
#define PHYS_MASK ((1UL << PHYS_MASK_SHIFT) - 1)
#define PTE_ADDR_MASK (PHYS_MASK & PAGE_MASK)

/* ---- DUPLICATED: descriptor bits (pgtable-hwdef.h, pgtable-prot.h) --------------------------- */

#define PTE_VALID (_AT(pteval_t, 1) << 0)
#define PTE_TYPE_MASK (_AT(pteval_t, 3) << 0)
#define PTE_TYPE_PAGE (_AT(pteval_t, 3) << 0)
#define PTE_USER (_AT(pteval_t, 1) << 6)
#define PTE_AF (_AT(pteval_t, 1) << 10)
#define PTE_NG (_AT(pteval_t, 1) << 11)
#define PTE_CONT (_AT(pteval_t, 1) << 52)
#define PTE_PXN (_AT(pteval_t, 1) << 53)
#define PTE_UXN (_AT(pteval_t, 1) << 54)
#define PTE_PRESENT_INVALID PTE_NG
#define PTE_RDONLY (_AT(pteval_t, 1) << 7)
#define PTE_DBM (_AT(pteval_t, 1) << 51)
#define PTE_WRITE PTE_DBM
/* DEVIATION (as the port's): KPTI's nG kernel mappings and BTI guarded pages are not modelled. */
#define PTE_MAYBE_NG 0UL
#define PTE_MAYBE_GP 0UL
#define PTE_PRESENT_VALID_KERNEL (PTE_VALID | PTE_MAYBE_NG)
#define PMD_TYPE_MASK (_AT(pmdval_t, 3) << 0)
#define PMD_TYPE_TABLE (_AT(pmdval_t, 3) << 0)
#define PMD_TYPE_SECT (_AT(pmdval_t, 1) << 0)
#define PMD_SECT_CONT (_AT(pmdval_t, 1) << 52)
#define PMD_SECT_PXN (_AT(pmdval_t, 1) << 53)
#define PMD_TABLE_AF (_AT(pmdval_t, 1) << 10)
#define PMD_TABLE_PXN (_AT(pmdval_t, 1) << 59)
#define PMD_TABLE_UXN (_AT(pmdval_t, 1) << 60)
#define PUD_TYPE_MASK (_AT(pudval_t, 3) << 0)
#define PUD_TYPE_TABLE (_AT(pudval_t, 3) << 0)
#define PUD_TYPE_SECT (_AT(pudval_t, 1) << 0)
#define PUD_TABLE_AF (_AT(pudval_t, 1) << 10)
#define PUD_TABLE_PXN (_AT(pudval_t, 1) << 59)
#define PUD_TABLE_UXN (_AT(pudval_t, 1) << 60)

#include "bbm_primitives.h"
#include "bbm_pgtable.h"
#include "bbm_kernel.h"
#include "bbm_walk.h"

#endif /* BBM_SHIM_H */
