/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output.c - what handlers print: printf and sprintf through the shared
 * formatter, histograms, run-time errors and warnings, and the
 * automatic printing of unread globals at the end.
 */

static atomic64_t sonde_errors;

static void sonde_set_error_state(void);

static void sonde_fmt_failed(struct sonde_context *c, const struct fmt_error *err,
			     const char *loc)
{
	fmt_error_message(c->error_buf, sizeof(c->error_buf), err);
	sonde_error(c, c->error_buf, loc);
}

static __maybe_unused int sonde_printf(struct sonde_context *c, const char *fmt,
				       size_t len, const struct fmt_value *args,
				       int nargs, const char *loc)
{
	struct fmt_error err;
	int n;

	n = fmt_format_ex(NULL, 0, fmt, len, args, nargs, NULL, &err);
	if (n < 0)
		goto failed;
	if (n > FMT_MAX_OUTPUT)
		n = FMT_MAX_OUTPUT;
	n = fmt_emit(c->out, n, fmt, len, args, nargs, NULL, &err);
	if (n < 0)
		goto failed;
	if (n)
		sonde_tr_write(SONDE_MSG_OUTPUT, c->out, n);
	return 0;
failed:
	sonde_fmt_failed(c, &err, loc);
	return 1;
}

static __maybe_unused int sonde_sprintf(struct sonde_context *c, char *dst,
					const char *fmt, size_t len,
					const struct fmt_value *args, int nargs,
					const char *loc)
{
	struct fmt_error err;

	if (fmt_format_ex(dst, MAXSTRINGLEN, fmt, len, args, nargs, NULL, &err) >= 0)
		return 0;
	dst[0] = '\0';
	sonde_fmt_failed(c, &err, loc);
	return 1;
}

static void sonde_emit_piece(void *cookie, const char *text, size_t len)
{
	sonde_tr_write(SONDE_MSG_OUTPUT, text, len);
}

static __maybe_unused int sonde_print_hist(struct sonde_context *c,
					   const struct stat_desc *d,
					   const struct stat_data *agg,
					   const char *loc)
{
	int rc = stat_emit_hist(sonde_emit_piece, c, d, agg);

	if (rc == STAT_E_EMPTY) {
		sonde_error(c, STAT_MSG_EMPTY, loc);
		return 1;
	}
	return 0;
}

static __maybe_unused const struct stat_data *
sonde_stat_get(struct sonde_context *c, const struct stat_desc *d,
	       const struct stat_data *s)
{
	stat_agg_begin(d, c->agg);
	if (s)
		stat_agg_merge(d, c->agg, s);
	stat_agg_end(d, c->agg);
	return c->agg;
}

/* "ERROR: MSG near LOC in probe PP", the part after "ERROR: " cut to
 * MAXSTRINGLEN - 1 bytes; then the error count, and past MAXERRORS the
 * session stops */
static void sonde_report_error(struct sonde_context *c)
{
	static const char prefix[] = "ERROR: ";
	char *buf = c->out;
	int n = sizeof(prefix) - 1;

	memcpy(buf, prefix, n);
	if (c->error_loc)
		snprintf(buf + n, MAXSTRINGLEN, "%s near %s in probe %s",
			 c->error, c->error_loc, c->probe->pp);
	else
		snprintf(buf + n, MAXSTRINGLEN, "%s", c->error);
	n += strlen(buf + n);
	buf[n++] = '\n';
	sonde_tr_write(SONDE_MSG_ERROR, buf, n);
	if (atomic64_inc_return(&sonde_errors) > MAXERRORS)
		sonde_set_error_state();
}

/* a warning line, "WARNING: TEXT\n" */
static void sonde_warn(const char *text)
{
	char buf[160];
	int n = scnprintf(buf, sizeof(buf), "WARNING: %s\n", text);

	sonde_tr_write(SONDE_MSG_WARNING, buf, n);
}

/* ---- automatic printing ------------------------------------------------ */

static void sonde_out_line(struct sonde_context *c, int n)
{
	if (n > FMT_MAX_OUTPUT - 1)
		n = FMT_MAX_OUTPUT - 1;
	if (n > 0)
		sonde_tr_write(SONDE_MSG_OUTPUT, c->out, n);
}

static __maybe_unused void sonde_autoprint_long(struct sonde_context *c,
						const char *name, int64_t v)
{
	struct fmt_value val = fmt_long(v);

	sonde_out_line(c, fmt_global_line(c->out, FMT_MAX_OUTPUT, name, NULL, 0,
					  &val, 0));
}

static __maybe_unused void sonde_autoprint_str(struct sonde_context *c,
					       const char *name, const char *v)
{
	struct fmt_value val = sonde_fmt_str(v);

	sonde_out_line(c, fmt_global_line(c->out, FMT_MAX_OUTPUT, name, NULL, 0,
					  &val, 0));
}

static __maybe_unused void sonde_autoprint_stat(struct sonde_context *c,
						const char *name,
						const struct stat_desc *d,
						const struct stat_data *s)
{
	const struct stat_data *agg = sonde_stat_get(c, d, s);

	sonde_out_line(c, stat_global_line(c->out, FMT_MAX_OUTPUT, name, NULL, 0,
					   agg));
}

/* Arrays by value, descending (statistics by @count), ties in insertion
 * order.  The order buffer is the map's own worth of entry numbers,
 * allocated here: this runs in an end probe, from the stop work. */
static __maybe_unused void sonde_autoprint_map(struct sonde_context *c,
					       struct sonde_map *m)
{
	struct fmt_value keys[SONDE_MAX_KEYS], val;
	unsigned *order;
	int n, i, k;

	order = kmalloc_array(m->d->max_entries, sizeof(*order), GFP_ATOMIC);
	if (!order) {
		sonde_warn("out of memory printing an array");
		return;
	}
	n = sonde_map_sort(c, m, order, 0, -1, 0, -1);
	for (i = 0; i < n; i++) {
		for (k = 0; k < m->d->nkeys; k++)
			keys[k] = m->d->key_type[k] == SONDE_STRING
				? sonde_fmt_str(sonde_map_key_str(m, order[i], k))
				: fmt_long(sonde_map_key_long(m, order[i], k));
		if (m->d->value_type == SONDE_STATS) {
			const struct stat_data *agg =
				sonde_stat_get(c, m->d->stat,
					       sonde_map_value(m, order[i]));

			sonde_out_line(c, stat_global_line(c->out, FMT_MAX_OUTPUT,
							   m->d->name, keys,
							   m->d->nkeys, agg));
			continue;
		}
		val = m->d->value_type == SONDE_STRING
			? sonde_fmt_str(sonde_map_value(m, order[i]))
			: fmt_long(*(int64_t *)sonde_map_value(m, order[i]));
		sonde_out_line(c, fmt_global_line(c->out, FMT_MAX_OUTPUT,
						  m->d->name, keys, m->d->nkeys,
						  &val, 0));
	}
	kfree(order);
}
