/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * transport.c - output from probe context to staprun.
 *
 * One byte ring of SONDE_BUFSIZE bytes holds whole records (struct
 * sonde_msg + payload, padded to 8), in the order handlers sent them.
 * Writers take a raw spinlock with interrupts off (trylock only in NMI
 * context); a record that does not fit is dropped and counted, never
 * half-written.  The reader (sonde_tr_read, the /proc file's read)
 * copies whole records out under the lock, then to user space.
 *
 * EXIT, STARTED and DONE are flags rather than records, so that they
 * cannot be dropped: EXIT is reported first, STARTED and DONE only once
 * the ring is empty (after the output that came before them).
 *
 * Probes never wake the reader (a wake-up from inside the scheduler's
 * tracepoints could deadlock); the reader polls every 50 ms, and the
 * start/stop work wakes it when it finishes.
 */

#define SONDE_TR_EXIT		0x1
#define SONDE_TR_STARTED	0x2
#define SONDE_TR_DONE		0x4

static struct {
	raw_spinlock_t lock;
	char *buf;		/* SONDE_BUFSIZE bytes */
	u64 head, tail;		/* bytes written and read, ever */
	char *bounce;		/* reader's copy, SONDE_TR_BOUNCE bytes */
	atomic64_t drops;
	unsigned long flags;	/* SONDE_TR_* bits */
	struct sonde_done done;	/* payload of DONE */
	wait_queue_head_t wq;
} sonde_tr;

#define SONDE_TR_BOUNCE (64 * 1024)

static int sonde_tr_init(void)
{
	raw_spin_lock_init(&sonde_tr.lock);
	init_waitqueue_head(&sonde_tr.wq);
	sonde_tr.buf = vzalloc(SONDE_BUFSIZE);
	sonde_tr.bounce = vzalloc(SONDE_TR_BOUNCE);
	if (!sonde_tr.buf || !sonde_tr.bounce) {
		vfree(sonde_tr.buf);
		vfree(sonde_tr.bounce);
		return -ENOMEM;
	}
	return 0;
}

static void sonde_tr_free(void)
{
	vfree(sonde_tr.buf);
	vfree(sonde_tr.bounce);
}

/* copy n bytes into the ring at byte position pos */
static void sonde_tr_put(u64 pos, const void *src, size_t n)
{
	size_t off = pos % SONDE_BUFSIZE, first = min_t(size_t, n, SONDE_BUFSIZE - off);

	memcpy(sonde_tr.buf + off, src, first);
	memcpy(sonde_tr.buf, (const char *)src + first, n - first);
}

static void sonde_tr_get(u64 pos, void *dst, size_t n)
{
	size_t off = pos % SONDE_BUFSIZE, first = min_t(size_t, n, SONDE_BUFSIZE - off);

	memcpy(dst, sonde_tr.buf + off, first);
	memcpy((char *)dst + first, sonde_tr.buf, n - first);
}

/* Queue one record; -ENOSPC (counted as a drop) when it does not fit */
static int sonde_tr_write(u32 kind, const void *data, u32 len)
{
	struct sonde_msg m = { .kind = kind, .len = len };
	u32 total = sizeof(m) + SONDE_MSG_ALIGN(len);
	static const char zeros[8];
	unsigned long flags;

	if (in_nmi()) {
		if (!raw_spin_trylock_irqsave(&sonde_tr.lock, flags))
			goto drop;
	} else {
		raw_spin_lock_irqsave(&sonde_tr.lock, flags);
	}
	if (total > SONDE_BUFSIZE - (sonde_tr.head - sonde_tr.tail)) {
		raw_spin_unlock_irqrestore(&sonde_tr.lock, flags);
		goto drop;
	}
	sonde_tr_put(sonde_tr.head, &m, sizeof(m));
	sonde_tr_put(sonde_tr.head + sizeof(m), data, len);
	sonde_tr_put(sonde_tr.head + sizeof(m) + len, zeros,
		     SONDE_MSG_ALIGN(len) - len);
	sonde_tr.head += total;
	raw_spin_unlock_irqrestore(&sonde_tr.lock, flags);
	return 0;
drop:
	atomic64_inc(&sonde_tr.drops);
	return -ENOSPC;
}

static void sonde_tr_flag(unsigned long bit)
{
	set_bit(ilog2(bit), &sonde_tr.flags);
}

static bool sonde_tr_readable(void)
{
	return READ_ONCE(sonde_tr.head) != READ_ONCE(sonde_tr.tail) ||
	       READ_ONCE(sonde_tr.flags) != 0;
}

/* Whole records from the ring into the bounce buffer after its first n
 * bytes, up to max bytes in all; the new length */
static size_t sonde_tr_take(size_t n, size_t max)
{
	unsigned long flags;
	struct sonde_msg m;
	u32 total;

	raw_spin_lock_irqsave(&sonde_tr.lock, flags);
	while (sonde_tr.tail != sonde_tr.head) {
		sonde_tr_get(sonde_tr.tail, &m, sizeof(m));
		total = sizeof(m) + SONDE_MSG_ALIGN(m.len);
		if (n + total > max)
			break;
		sonde_tr_get(sonde_tr.tail, sonde_tr.bounce + n, total);
		sonde_tr.tail += total;
		n += total;
	}
	raw_spin_unlock_irqrestore(&sonde_tr.lock, flags);
	return n;
}

/* A flag as a record in the bounce buffer at n; the new length */
static size_t sonde_tr_take_flag(size_t n, size_t max, unsigned long bit,
				 u32 kind, const void *payload, u32 len)
{
	struct sonde_msg m = { .kind = kind, .len = len };

	if (!test_bit(ilog2(bit), &sonde_tr.flags) ||
	    n + sizeof(m) + SONDE_MSG_ALIGN(len) > max)
		return n;
	clear_bit(ilog2(bit), &sonde_tr.flags);
	memcpy(sonde_tr.bounce + n, &m, sizeof(m));
	memset(sonde_tr.bounce + n + sizeof(m), 0, SONDE_MSG_ALIGN(len));
	memcpy(sonde_tr.bounce + n + sizeof(m), payload, len);
	return n + sizeof(m) + SONDE_MSG_ALIGN(len);
}

/* The /proc file's read: wait up to 50 ms, then whatever is there */
static ssize_t sonde_tr_read(char __user *ubuf, size_t count)
{
	size_t max = min_t(size_t, count, SONDE_TR_BOUNCE), n;
	long rc;

	rc = wait_event_interruptible_timeout(sonde_tr.wq, sonde_tr_readable(),
					      HZ / 20);
	if (rc < 0)
		return rc;
	n = sonde_tr_take_flag(0, max, SONDE_TR_EXIT, SONDE_MSG_EXIT, NULL, 0);
	n = sonde_tr_take(n, max);
	if (READ_ONCE(sonde_tr.head) == READ_ONCE(sonde_tr.tail)) {
		n = sonde_tr_take_flag(n, max, SONDE_TR_STARTED,
				       SONDE_MSG_STARTED, &sonde_tr.done,
				       sizeof(sonde_tr.done));
		n = sonde_tr_take_flag(n, max, SONDE_TR_DONE, SONDE_MSG_DONE,
				       &sonde_tr.done, sizeof(sonde_tr.done));
	}
	if (n && copy_to_user(ubuf, sonde_tr.bounce, n))
		return -EFAULT;
	return n;
}
