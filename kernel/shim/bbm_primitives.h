/* SPDX-License-Identifier: MIT */
/*
 * CUSTOMISED primitives: the requests the C under test makes to the bbm-verify harness
 * (kernel/harness/bbm_harness.c). Each request suspends the calling CPU's coroutine; the
 * TypeScript side (kernel/cSut.ts) performs it through the SUT contract's Primitives — a
 * scheduling point and at most one bbm-trace/1 event for the table, barrier, allocation and lock
 * requests, a plain answer for the others — and resumes the coroutine with the answer.
 *
 * The request numbers are the harness protocol: kernel/harness/protocol.ts must list the same.
 */
#ifndef BBM_PRIMITIVES_H
#define BBM_PRIMITIVES_H

#include <stdint.h>

enum bbm_request {
	BBM_REQ_DONE = 0,     /* a: the operation's return value (as int64) */
	BBM_REQ_READ = 1,     /* a: PA of the entry → its value */
	BBM_REQ_WRITE = 2,    /* a: PA, b: value */
	BBM_REQ_DSB = 3,      /* a: enum bbm_dsb */
	BBM_REQ_ISB = 4,
	BBM_REQ_ALLOC = 5,    /* a: Arm level of the new table, b: enum bbm_gfp, c: enum bbm_context → PA or ~0 */
	BBM_REQ_FREE = 6,     /* a: PA */
	BBM_REQ_LOCK = 7,     /* message: the lock's name */
	BBM_REQ_UNLOCK = 8,   /* message: the lock's name */
	BBM_REQ_LAZY_ENTER = 9,
	BBM_REQ_LAZY_LEAVE = 10,
	BBM_REQ_CPU = 11,     /* → the current CPU */
	BBM_REQ_ONLINE = 12,  /* → num_online_cpus() */
	BBM_REQ_ROOT = 13,    /* reserved (the root is given at start) */
	BBM_REQ_QUERY = 14,   /* a: enum bbm_query → its value */
	BBM_REQ_WARN = 15,    /* message */
	BBM_REQ_BUG = 16,     /* message; never resumed */
	BBM_REQ_TLBI = 17,    /* a: enum bbm_tlbi, b: VA, c: size (range forms) */
	BBM_REQ_RELAX = 18,   /* cpu_relax(): a blocked scheduling point */
	BBM_REQ_PANIC = 19,   /* message; never resumed */
	BBM_REQ_SYMBOL = 20,  /* message: a kernel image symbol (_stext, __init_begin) → its PA */
	BBM_REQ_FLAG_GET = 21, /* → idmap_kpti_bbml2_flag */
	BBM_REQ_FLAG_SET = 22, /* a: its new value */
	BBM_REQ_IDMAP_INSTALL = 23,   /* cpu_install_idmap() */
	BBM_REQ_IDMAP_UNINSTALL = 24, /* cpu_uninstall_idmap() */
	BBM_REQ_IDMAP_WAIT = 25,      /* wait_linear_map_split_to_ptes() on the ID map (proc.S) */
	BBM_REQ_VM_AREA = 26, /* a: VA, b: enum bbm_vm_field (+ i for a page) → its value; ~0: no area */
};

/* What BBM_REQ_VM_AREA answers of the vmalloc area holding a VA (the port's find_vm_area()). */
enum bbm_vm_field {
	BBM_VM_ADDR = 0, BBM_VM_SIZE = 1, BBM_VM_FLAGS = 2, BBM_VM_NR_PAGES = 3,
	BBM_VM_PAGE = 4, /* + i: pages[i], as its linear-map VA (the shim's struct page *) */
};

/* The TLBI operations of the trace format, in impl/contract.ts order. */
enum bbm_tlbi {
	BBM_TLBI_vae1is = 0, BBM_TLBI_vale1is = 1, BBM_TLBI_vaae1is = 2, BBM_TLBI_vaale1is = 3,
	BBM_TLBI_vae1 = 4, BBM_TLBI_vale1 = 5, BBM_TLBI_vaae1 = 6, BBM_TLBI_vaale1 = 7,
	BBM_TLBI_rvae1is = 8, BBM_TLBI_rvaae1is = 9, BBM_TLBI_rvale1is = 10, BBM_TLBI_rvaale1is = 11,
	BBM_TLBI_vmalle1is = 12, BBM_TLBI_vmalle1 = 13,
};

enum bbm_dsb { BBM_DSB_ish = 0, BBM_DSB_ishst = 1, BBM_DSB_nsh = 2, BBM_DSB_nshst = 3, BBM_DSB_sy = 4 };
enum bbm_gfp { BBM_GFP_PGTABLE_KERNEL = 0, BBM_GFP_ATOMIC = 1, BBM_GFP_KERNEL = 2 };
enum bbm_context { BBM_CTX_process = 0, BBM_CTX_atomic = 1, BBM_CTX_stopped = 2 };

/* STUBBED kernel state, owned by the rest of the SUT (the bundled port) and read from it. */
enum bbm_query {
	BBM_Q_LINEAR_MAP_REQUIRES_BBML2 = 0,
	BBM_Q_SYSTEM_SUPPORTS_BBML2_NOABORT = 1,
	BBM_Q_CAPABILITIES_FINALIZED = 2,
	BBM_Q_PAGE_ALLOC_AVAILABLE = 3,
	BBM_Q_KFENCE_POOL = 4,        /* __kfence_pool (linear VA), 0 if none */
	BBM_Q_DEBUG_PAGEALLOC = 5,
	BBM_Q_RODATA_FULL = 6,
	BBM_Q_REALM = 7,
	BBM_Q_KFENCE_LATE = 8,        /* CONFIG_KFENCE && !kfence_early_init */
	BBM_Q_CPU_SUPPORTS_BBML2_NOABORT = 9, /* the calling CPU's own MIDR is on the list */
	BBM_Q_KFENCE_EARLY_INIT = 10, /* kfence_early_init */
};

/** One request to the harness; returns its answer. */
uint64_t bbm_request(enum bbm_request kind, uint64_t a, uint64_t b, uint64_t c, const char *message);
/** A request that never returns (BUG). */
__attribute__((noreturn)) void bbm_request_noreturn(enum bbm_request kind, const char *message);

#define BBM_STR2(x) #x
#define BBM_STR(x) BBM_STR2(x)
#define BBM_WHERE __FILE__ ":" BBM_STR(__LINE__)

#endif /* BBM_PRIMITIVES_H */
