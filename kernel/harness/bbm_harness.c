// SPDX-License-Identifier: MIT
/*
 * bbm-verify kernel harness: runs the extracted kernel C as coroutines, one per kernel
 * operation in flight (each on the simulated CPU that called it), and exposes them to Node.js
 * through Node-API. A coroutine runs until its next request (bbm_primitives.h), then control
 * comes back here and to kernel/cSut.ts, which performs the request through the SUT contract's
 * Primitives (a scheduling point for table, barrier, allocation and lock requests) and resumes the
 * coroutine with the answer. So several CPUs are interleaved at every primitive, exactly as the
 * bundled port's generators are (impl/CONTRACT.md §4).
 *
 * Node-API, in this file's order:
 *   newInstance(physOffset: bigint, swapperPgDir: bigint) → instance (one per SUT, per run)
 *   start(instance, op: number, cpu: number, args: BigUint64Array(4), context: number) → task
 *   resume(task, answer: bigint, out: BigUint64Array(3)) → request kind (out = its arguments)
 *   message(task) → the string of a LOCK/UNLOCK/WARN/BUG request
 *   destroy(task)
 *   compiledPageShift() → PAGE_SHIFT this addon was built for
 *
 * A fault in the C under test kills the process; the SUT contract runs plug-ins in a child
 * process, so that is reported as a crash finding, never a suite crash.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "../shim/bbm_shim.h"

#define BBM_STACK_SIZE (256 * 1024)
#define BBM_MAX_CPUS 64

/*
 * The kernel operations the harness can start (kernel/harness/protocol.ts lists the same), each
 * through the glue kernel/build.ts appends to the extracted unit (the kernel's own functions may
 * be static).
 */
enum bbm_op {
	BBM_OP_SPLIT_KERNEL_LEAF_MAPPING = 0,
	BBM_OP_LINEAR_MAP_SPLIT_TO_PTES = 1,
	BBM_OP_ARCH_KFENCE_INIT_POOL = 2,
	BBM_OP___CHANGE_MEMORY_COMMON = 3,
	BBM_OP_SET_DIRECT_MAP_INVALID_NOFLUSH = 4,
	BBM_OP_SET_DIRECT_MAP_DEFAULT_NOFLUSH = 5,
	BBM_OP_CHANGE_MEMORY_COMMON = 6,
};
/* The generated glue (kernel/build.ts): one entry per operation, four arguments each. */
int bbm_glue_split_kernel_leaf_mapping(u64 a, u64 b, u64 c, u64 d);
int bbm_glue_linear_map_split_to_ptes(u64 a, u64 b, u64 c, u64 d);
int bbm_glue_arch_kfence_init_pool(u64 a, u64 b, u64 c, u64 d);
int bbm_glue___change_memory_common(u64 a, u64 b, u64 c, u64 d);
int bbm_glue_set_direct_map_invalid_noflush(u64 a, u64 b, u64 c, u64 d);
int bbm_glue_set_direct_map_default_noflush(u64 a, u64 b, u64 c, u64 d);
int bbm_glue_change_memory_common(u64 a, u64 b, u64 c, u64 d);

/* Storage the shim names (bbm_pgtable.h): never read or written as memory, only compared. */
u64 idmap_kpti_bbml2_flag;

struct bbm_instance {
	u64 phys_offset;
	u64 swapper_pgd_pa;
	struct bbm_lazy_mmu lazy[BBM_MAX_CPUS];
};

struct bbm_task {
	struct bbm_instance *inst;
	ucontext_t context;
	void *stack;
	int cpu, op, ctx;
	u64 args[4];
	/* The pending request. */
	int kind;
	u64 req[3];
	const char *message;
	char text[256];
	u64 answer;
	bool finished;
	/* The task's copy of its last find_vm_area() answer. */
	struct vm_struct area;
	unsigned int area_cap;
};

struct mm_struct init_mm;
static ucontext_t harness_context;
static struct bbm_task *running;

u64 bbm_phys_offset(void) { return running->inst->phys_offset; }
u64 bbm_swapper_pg_dir(void) { return running->inst->swapper_pgd_pa; }
struct bbm_lazy_mmu *bbm_lazy_mmu_current(void) { return &running->inst->lazy[running->cpu]; }
int bbm_current_context(void) { return running->ctx; }
int bbm_current_cpu(void) { return running->cpu; }

/* wait_linear_map_split_to_ptes() is proc.S assembly: the harness performs it. */
void wait_linear_map_split_to_ptes(void) { bbm_request(BBM_REQ_IDMAP_WAIT, 0, 0, 0, 0); }

uint64_t bbm_request(enum bbm_request kind, uint64_t a, uint64_t b, uint64_t c, const char *message)
{
	struct bbm_task *t = running;

	t->kind = kind;
	t->req[0] = a;
	t->req[1] = b;
	t->req[2] = c;
	t->message = message;
	swapcontext(&t->context, &harness_context);
	return t->answer;
}

void bbm_request_noreturn(enum bbm_request kind, const char *message)
{
	bbm_request(kind, 0, 0, 0, message);
	abort(); /* the harness never resumes a BUG */
}

void bbm_warn(const char *function, const char *text)
{
	struct bbm_task *t = running;

	snprintf(t->text, sizeof(t->text), "%s: %s", function, text);
	bbm_request(BBM_REQ_WARN, 0, 0, 0, t->text);
}

void bbm_bug(const char *function, const char *text)
{
	struct bbm_task *t = running;

	snprintf(t->text, sizeof(t->text), "%s: %s", function, text);
	bbm_request_noreturn(BBM_REQ_BUG, t->text);
}

struct vm_struct *find_vm_area(const void *addr)
{
	struct bbm_task *t = running;
	u64 start = bbm_request(BBM_REQ_VM_AREA, (u64)addr, BBM_VM_ADDR, 0, 0);
	unsigned int i, n;

	if (start == ~0ull)
		return NULL;
	n = (unsigned int)bbm_request(BBM_REQ_VM_AREA, (u64)addr, BBM_VM_NR_PAGES, 0, 0);
	if (n > t->area_cap) {
		struct page **pages = realloc(t->area.pages, n * sizeof(*pages));

		if (!pages)
			bbm_bug("find_vm_area", "out of host memory for the area's pages");
		t->area.pages = pages;
		t->area_cap = n;
	}
	t->area.addr = (void *)start;
	t->area.size = bbm_request(BBM_REQ_VM_AREA, (u64)addr, BBM_VM_SIZE, 0, 0);
	t->area.flags = bbm_request(BBM_REQ_VM_AREA, (u64)addr, BBM_VM_FLAGS, 0, 0);
	t->area.nr_pages = n;
	for (i = 0; i < n; i++)
		t->area.pages[i] = (struct page *)bbm_request(BBM_REQ_VM_AREA, (u64)addr, BBM_VM_PAGE + i, 0, 0);
	return &t->area;
}

static void bbm_task_main(void)
{
	struct bbm_task *t = running;
	long ret = 0;

	switch (t->op) {
#define BBM_ARGS t->args[0], t->args[1], t->args[2], t->args[3]
	case BBM_OP_SPLIT_KERNEL_LEAF_MAPPING:
		ret = bbm_glue_split_kernel_leaf_mapping(BBM_ARGS);
		break;
	case BBM_OP_LINEAR_MAP_SPLIT_TO_PTES:
		ret = bbm_glue_linear_map_split_to_ptes(BBM_ARGS);
		break;
	case BBM_OP_ARCH_KFENCE_INIT_POOL:
		ret = bbm_glue_arch_kfence_init_pool(BBM_ARGS);
		break;
	case BBM_OP___CHANGE_MEMORY_COMMON:
		ret = bbm_glue___change_memory_common(BBM_ARGS);
		break;
	case BBM_OP_SET_DIRECT_MAP_INVALID_NOFLUSH:
		ret = bbm_glue_set_direct_map_invalid_noflush(BBM_ARGS);
		break;
	case BBM_OP_SET_DIRECT_MAP_DEFAULT_NOFLUSH:
		ret = bbm_glue_set_direct_map_default_noflush(BBM_ARGS);
		break;
	case BBM_OP_CHANGE_MEMORY_COMMON:
		ret = bbm_glue_change_memory_common(BBM_ARGS);
		break;
#undef BBM_ARGS
	default:
		ret = -EINVAL;
	}
	t->finished = true;
	bbm_request(BBM_REQ_DONE, (u64)ret, 0, 0, 0);
	abort(); /* never resumed once done */
}

/* ---- Node-API ------------------------------------------------------------------------------- */

#define NAPI_OK(call)                                                                               \
	do {                                                                                        \
		if ((call) != napi_ok) {                                                            \
			napi_throw_error(env, NULL, "bbm harness: " #call " failed");               \
			return NULL;                                                                \
		}                                                                                   \
	} while (0)

static bool get_u64(napi_env env, napi_value v, u64 *out)
{
	bool lossless;

	return napi_get_value_bigint_uint64(env, v, out, &lossless) == napi_ok;
}

/* Copies n values out of a BigUint64Array of at least n elements. */
static bool get_u64s(napi_env env, napi_value v, u64 *out, size_t n)
{
	napi_typedarray_type type;
	size_t length, i;
	void *data;

	if (napi_get_typedarray_info(env, v, &type, &length, &data, NULL, NULL) != napi_ok ||
	    type != napi_biguint64_array || length < n)
		return false;
	for (i = 0; i < n; i++)
		out[i] = ((const u64 *)data)[i];
	return true;
}

static void free_instance(napi_env env, void *data, void *hint)
{
	(void)env;
	(void)hint;
	free(data);
}

static void free_task_stack(struct bbm_task *t)
{
	if (t->stack) {
		munmap(t->stack, BBM_STACK_SIZE);
		t->stack = NULL;
	}
}

static void free_task(napi_env env, void *data, void *hint)
{
	(void)env;
	(void)hint;
	free_task_stack(data);
	free(((struct bbm_task *)data)->area.pages);
	free(data);
}

static napi_value js_new_instance(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2], out;
	struct bbm_instance *inst;

	NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
	inst = calloc(1, sizeof(*inst));
	if (!inst || argc < 2 || !get_u64(env, argv[0], &inst->phys_offset) ||
	    !get_u64(env, argv[1], &inst->swapper_pgd_pa)) {
		free(inst);
		napi_throw_type_error(env, NULL, "bbm harness: newInstance(physOffset: bigint, swapperPgDir: bigint)");
		return NULL;
	}
	NAPI_OK(napi_create_external(env, inst, free_instance, NULL, &out));
	return out;
}

static napi_value js_start(napi_env env, napi_callback_info info)
{
	size_t argc = 5;
	napi_value argv[5], out;
	struct bbm_instance *inst;
	struct bbm_task *t;
	int32_t op, cpu, context;

	NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
	if (argc < 5 || napi_get_value_external(env, argv[0], (void **)&inst) != napi_ok ||
	    napi_get_value_int32(env, argv[1], &op) != napi_ok || napi_get_value_int32(env, argv[2], &cpu) != napi_ok ||
	    napi_get_value_int32(env, argv[4], &context) != napi_ok || cpu < 0 || cpu >= BBM_MAX_CPUS) {
		napi_throw_type_error(env, NULL, "bbm harness: start(instance, op, cpu < 64, args: BigUint64Array(4), context)");
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t || !get_u64s(env, argv[3], t->args, 4)) {
		free(t);
		napi_throw_type_error(env, NULL, "bbm harness: start(instance, op, cpu, args: BigUint64Array(4), context)");
		return NULL;
	}
	t->inst = inst;
	t->op = op;
	t->cpu = cpu;
	t->ctx = context;
	/* A guard page below the stack turns an overflow into a fault, not a silent corruption. */
	t->stack = mmap(NULL, BBM_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->stack == MAP_FAILED || mprotect(t->stack, 4096, PROT_NONE) != 0) {
		free(t);
		napi_throw_error(env, NULL, "bbm harness: cannot map a coroutine stack");
		return NULL;
	}
	getcontext(&t->context);
	t->context.uc_stack.ss_sp = t->stack;
	t->context.uc_stack.ss_size = BBM_STACK_SIZE;
	t->context.uc_link = NULL;
	makecontext(&t->context, bbm_task_main, 0);
	NAPI_OK(napi_create_external(env, t, free_task, NULL, &out));
	return out;
}

static napi_value js_resume(napi_env env, napi_callback_info info)
{
	size_t argc = 3;
	napi_value argv[3], out;
	struct bbm_task *t;
	napi_typedarray_type type;
	size_t length;
	void *data;
	u64 *req;

	NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
	if (argc < 3 || napi_get_value_external(env, argv[0], (void **)&t) != napi_ok || !get_u64(env, argv[1], &t->answer) ||
	    napi_get_typedarray_info(env, argv[2], &type, &length, &data, NULL, NULL) != napi_ok ||
	    type != napi_biguint64_array || length < 3) {
		napi_throw_type_error(env, NULL, "bbm harness: resume(task, answer: bigint, out: BigUint64Array(3))");
		return NULL;
	}
	if (t->finished || !t->stack || running) {
		napi_throw_error(env, NULL, "bbm harness: resume of a finished or destroyed task");
		return NULL;
	}
	running = t;
	swapcontext(&harness_context, &t->context);
	running = NULL;
	req = data;
	memcpy(req, t->req, sizeof(t->req));
	NAPI_OK(napi_create_int32(env, t->kind, &out));
	return out;
}

static napi_value js_message(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1], out;
	struct bbm_task *t;

	NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
	if (argc < 1 || napi_get_value_external(env, argv[0], (void **)&t) != napi_ok) {
		napi_throw_type_error(env, NULL, "bbm harness: message(task)");
		return NULL;
	}
	NAPI_OK(napi_create_string_utf8(env, t->message ? t->message : "", NAPI_AUTO_LENGTH, &out));
	return out;
}

static napi_value js_destroy(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1];
	struct bbm_task *t;

	NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
	if (argc < 1 || napi_get_value_external(env, argv[0], (void **)&t) != napi_ok) {
		napi_throw_type_error(env, NULL, "bbm harness: destroy(task)");
		return NULL;
	}
	t->finished = true;
	free_task_stack(t);
	return NULL;
}

static napi_value js_compiled_page_shift(napi_env env, napi_callback_info info)
{
	napi_value out;

	(void)info;
	NAPI_OK(napi_create_int32(env, PAGE_SHIFT, &out));
	return out;
}

static napi_value bbm_init(napi_env env, napi_value exports)
{
	napi_property_descriptor props[] = {
		{ "newInstance", NULL, js_new_instance, NULL, NULL, NULL, napi_default, NULL },
		{ "start", NULL, js_start, NULL, NULL, NULL, napi_default, NULL },
		{ "resume", NULL, js_resume, NULL, NULL, NULL, napi_default, NULL },
		{ "message", NULL, js_message, NULL, NULL, NULL, napi_default, NULL },
		{ "destroy", NULL, js_destroy, NULL, NULL, NULL, napi_default, NULL },
		{ "compiledPageShift", NULL, js_compiled_page_shift, NULL, NULL, NULL, napi_default, NULL },
	};

	if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok)
		return NULL;
	return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, bbm_init)
