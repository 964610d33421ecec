// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * transport.c - read output records from the sonde_out ring buffer.
 *
 * A sample holds records back to back (bpf_abi.h): printf and raw print
 * go to the output stream, errors and warnings to stderr, an exit record
 * asks for shutdown.  A malformed record is a generator bug: it is
 * reported once, counted as an error, and the rest of its sample dropped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "staprun/bpf_abi.h"
#include "staprun/log.h"
#include "staprun/staprun.h"

static size_t align8(size_t n)
{
	return (n + SONDE_REC_ALIGN - 1) & ~(size_t)(SONDE_REC_ALIGN - 1);
}

/* Append snprintf-style to buf[size] at *pos; truncation is silent */
static void append(char *buf, size_t size, size_t *pos, const char *a,
		   size_t alen, const char *b, size_t blen)
{
	size_t n;

	n = size - 1 - *pos < alen ? size - 1 - *pos : alen;
	memcpy(buf + *pos, a, n);
	*pos += n;
	n = size - 1 - *pos < blen ? size - 1 - *pos : blen;
	memcpy(buf + *pos, b, n);
	*pos += n;
	buf[*pos] = '\0';
}

/* The message of an ERROR or WARN record: a string id or a string slot */
static int record_text(struct session *s, uint32_t msg, const char *slot,
		       size_t avail, const char **text, size_t *len)
{
	const struct meta_str *str;
	uint32_t slotsize = SONDE_STR_SLOT(s->meta.maxstringlen);

	if (msg != SONDE_NO_ID) {
		str = meta_string(&s->meta, msg);
		if (!str)
			return -EINVAL;
		*text = str->s;
		*len = str->len;
		return 0;
	}
	if (avail < slotsize)
		return -EINVAL;
	*text = slot;
	*len = strnlen(slot, s->meta.maxstringlen - 1);
	return slotsize;
}

/*
 * "MSG near LOC0 (called from LOC1)... in probe PP", at most
 * MAXSTRINGLEN-1 bytes, as the module runtime builds it.
 */
static int handle_error(struct session *s, const char *p, size_t avail,
			size_t *used)
{
	const struct sonde_rec_error *r = (const void *)p;
	size_t hdr, pos = 0, size = s->meta.maxstringlen, len;
	const struct meta_str *loc, *pp;
	const char *text;
	uint32_t i, loc_id;
	int slot, err = -EINVAL;
	char *buf;

	if (avail < sizeof(*r) || r->nlocs > 64)
		return -EINVAL;
	hdr = align8(sizeof(*r) + r->nlocs * 4);
	if (avail < hdr)
		return -EINVAL;
	slot = record_text(s, r->msg, p + hdr, avail - hdr, &text, &len);
	if (slot < 0)
		return slot;
	pp = meta_probe(&s->meta, r->id);
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	append(buf, size, &pos, text, len, "", 0);
	for (i = 0; i < r->nlocs; i++) {
		memcpy(&loc_id, p + sizeof(*r) + 4 * i, 4);
		loc = meta_string(&s->meta, loc_id);
		if (!loc)
			goto out;
		append(buf, size, &pos, i ? " (called from " : " near ",
		       i ? 14 : 6, loc->s, loc->len);
		if (i)
			append(buf, size, &pos, ")", 1, "", 0);
	}
	if (r->nlocs && pp)
		append(buf, size, &pos, " in probe ", 10, pp->s, pp->len);
	log_error_line(buf, pos);
	*used = hdr + slot;
	err = 0;
out:
	free(buf);
	return err;
}

static int handle_warn(struct session *s, const char *p, size_t avail,
		       size_t *used)
{
	const struct sonde_rec_warn *r = (const void *)p;
	const char *text;
	size_t len;
	int slot;

	if (avail < sizeof(*r))
		return -EINVAL;
	slot = record_text(s, r->msg, p + sizeof(*r), avail - sizeof(*r),
			   &text, &len);
	if (slot < 0)
		return slot;
	log_warn_line(text, len);
	*used = sizeof(*r) + slot;
	return 0;
}

/* One record at p; *used gets its length (unaligned) */
static int handle_record(struct session *s, const char *p, size_t avail,
			 size_t *used)
{
	struct sonde_rec r;
	int err;

	memcpy(&r, p, sizeof(r));
	switch (r.kind) {
	case SONDE_REC_PRINTF:
		err = output_printf(&s->out, &s->meta, r.id, p + sizeof(r),
				    avail - sizeof(r), used);
		if (err == 1)
			s->user_errors++;
		*used += sizeof(r);
		return err < 0 ? err : 0;
	case SONDE_REC_PRINT:
		if (avail - sizeof(r) < r.id)
			return -EINVAL;
		output_write(&s->out, p + sizeof(r), r.id);
		*used = sizeof(r) + r.id;
		return 0;
	case SONDE_REC_EXIT:
		s->exit_seen = 1;
		*used = sizeof(r);
		return 0;
	case SONDE_REC_ERROR:
		return handle_error(s, p, avail, used);
	case SONDE_REC_WARN:
		return handle_warn(s, p, avail, used);
	case SONDE_REC_HIST:
		return output_hist(&s->out, p, avail, used);
	case SONDE_REC_STACK:
		return stack_record(s, p, avail, used);
	}
	return -EINVAL;
}

int transport_sample(struct session *s, const void *data, size_t size)
{
	const char *p = data;
	size_t off = 0, used;
	struct sonde_rec r;

	while (size - off >= sizeof(struct sonde_rec)) {
		used = 0;
		if (handle_record(s, p + off, size - off, &used)) {
			memcpy(&r, p + off, sizeof(r));
			if (!s->bad_records++)
				log_fail("bpf: bad output record (kind %u, "
					 "id %u) in a sample of %zu bytes",
					 r.kind, r.id, size);
			s->user_errors++;
			return 0;
		}
		off += align8(used);
	}
	return 0;
}

static int on_sample(void *ctx, void *data, size_t size)
{
	return transport_sample(ctx, data, size);
}

int transport_open(struct session *s)
{
	s->rb = ring_buffer__new(s->out_fd, on_sample, s, NULL);
	if (!s->rb) {
		log_fail("bpf: cannot read map '%s': %s", SONDE_MAP_OUT,
			 strerror(errno));
		return -errno;
	}
	return 0;
}

void transport_close(struct session *s)
{
	ring_buffer__free(s->rb);
	s->rb = NULL;
}

/* Wait up to timeout_ms for records and handle them; a signal ends the
 * wait early.  Returns the records' count or a negative errno. */
int transport_poll(struct session *s, int timeout_ms)
{
	int n = ring_buffer__poll(s->rb, timeout_ms);

	output_flush(&s->out);
	if (n == -EINTR)
		return 0;
	if (n < 0)
		errno = -n;
	return n;
}

/* Handle every record already in the buffer, without waiting. */
int transport_drain(struct session *s)
{
	int n = ring_buffer__consume(s->rb);

	output_flush(&s->out);
	return n;
}
