/* mm/faultlog.c's per-CPU rings: the last FAULTLOG_SIZE events are all
 * readable, in order, each with its own fields; an older one is gone, a
 * newer one not there yet; an event keeps its area as it was and names its
 * backing when read. */
#include "../../kernel/ktest.h"
#include "../../kernel/printk.h"
#include "../../kernel/string.h"
#include "../../mm/faultlog.h"
#include "../../mm/layout.h"
#include "../../mm/pf_error.h"

static const char comm[TASK_COMM_LEN] = "kt_faultlog";

/* The line of event seq holds `want` (a key=value). */
static bool line_has(uint64_t seq, const char *want)
{
	char line[FAULTLOG_LINE];
	return faultlog_format(seq, line, sizeof line) && strstr(line, want);
}

KTEST(faultlog_keeps_the_last_events_in_order)
{
	struct fault f = { .pid = 4242, .comm = comm, .case_name = "ktest event" };
	uint64_t first, next, start;
	faultlog_range(&first, &start);
	for (unsigned i = 0; i < FAULTLOG_SIZE + 3; i++) {
		f.addr = 0x10000 + i * PAGE_SIZE;
		faultlog_record(&f, FAULT_HANDLED);
	}
	faultlog_range(&first, &next);
	KT_EQ(next, start + FAULTLOG_SIZE + 3);
	KT_EQ(first, next - FAULTLOG_SIZE);
	char want[64];
	for (uint64_t seq = first; seq < next; seq++) {
		snprintf(want, sizeof want, "seq=%lu pid=4242 comm=kt_faultlog addr=0x%lx ", seq,
		         0x10000 + (seq - start) * PAGE_SIZE);
		KT_ASSERT(line_has(seq, want));
		KT_ASSERT(line_has(seq, " backing=none result=handled ") && line_has(seq, " case=ktest event"));
	}
	KT_ASSERT(!line_has(first - 1, "seq="));   /* its slot holds a newer event */
	KT_ASSERT(!line_has(next, "seq="));        /* not recorded yet */
}

KTEST(faultlog_event_keeps_its_area_and_names_the_backing)
{
	struct vma v = { .vm_start = 0x600000, .vm_end = 0x608000, .vm_flags = VM_READ | VM_WRITE, .kind = VMA_HEAP };
	struct fault f = { .addr = 0x601000, .error = PF_WRITE | PF_USER, .pid = 4243, .comm = comm, .vma = &v,
	                   .grew_stack = true, .case_name = "ktest area" };
	uint64_t first, seq;
	faultlog_record(&f, FAULT_SEGV_ACCERR);
	faultlog_range(&first, &seq);
	seq--;
	v.vm_end = 0x700000;   /* changed after the fault: the event keeps what it saw */
	v.kind = VMA_STACK;
	KT_ASSERT(line_has(seq, " access=write mode=user present=0 area=0x600000-0x608000 prot=rw-p backing=heap "));
	KT_ASSERT(line_has(seq, " result=segv-accerr stack_grew=1 pfn=0x0 ref=0 case=ktest area"));
	f.pid = 4244;
	v.kind = VMA_ANON;
	v.vm_flags |= VM_SHARED;
	v.shm = (struct shm_object *)&v;   /* only tested for NULL by the log */
	faultlog_record(&f, FAULT_HANDLED);
	faultlog_range(&first, &seq);
	KT_ASSERT(line_has(seq - 1, " pid=4244 ") && line_has(seq - 1, " prot=rw-s backing=shared-anon "));
}
