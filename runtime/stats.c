/* Sonde statistics: see stats.h and runtime.md section 5.
 *
 * Arithmetic follows upstream runtime/stat.c and stat-common.c exactly:
 * 64-bit sums and products wrap (done in uint64_t here to stay clear of C
 * undefined behaviour), divisions truncate toward zero, the Welford delta
 * is stored in a 32-bit int, and shifts by 64 or more behave like x86's
 * (count masked to 6 bits), which is what the kernel code does at run time.
 */
#include "stats.h"

/* ---------------------------------------------------------------------- */
/* Arithmetic helpers (the kernel is built with wrapping signed overflow) */

static inline int64_t wadd(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

static inline int64_t wsub(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a - (uint64_t)b);
}

static inline int64_t wmul(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a * (uint64_t)b);
}

static inline int64_t wshl(int64_t a, int n)
{
	return (int64_t)((uint64_t)a << (n & 63));
}

static inline int64_t sar(int64_t a, int n)
{
	n &= 63;
	/* arithmetic shift without relying on implementation-defined >> */
	if (a >= 0)
		return (int64_t)((uint64_t)a >> n);
	return (int64_t)~(~(uint64_t)a >> n);
}

/* _stp_div64: x/0 is 0, x/-1 is -x (wrapping), else C division. */
static int64_t div64(int64_t x, int64_t y)
{
	if (y == 0)
		return 0;
	if (y == -1)
		return wsub(0, x);
	return x / y;
}

/* ---------------------------------------------------------------------- */
/* Descriptors */

void stat_desc_init(struct stat_desc *d, int shift, int ops)
{
	d->hist_type = STAT_HIST_NONE;
	d->nbuckets = 0;
	d->start = d->stop = d->interval = 0;
	d->shift = shift;
	d->ops = ops;
}

void stat_desc_init_log(struct stat_desc *d, int shift, int ops)
{
	stat_desc_init(d, shift, ops);
	d->hist_type = STAT_HIST_LOG;
	d->nbuckets = STAT_LOG_BUCKETS;
}

int stat_desc_init_linear(struct stat_desc *d, int64_t start, int64_t stop,
			  int64_t interval, int shift, int ops)
{
	int32_t s = (int32_t)(uint32_t)(uint64_t)start;
	int32_t e = (int32_t)(uint32_t)(uint64_t)stop;
	int32_t i = (int32_t)(uint32_t)(uint64_t)interval;
	int64_t nb;

	stat_desc_init(d, shift, ops);
	if (i == 0)
		return STAT_E_INTERVAL;
	/* _stp_stat_calc_buckets: (stop - start) / interval + 3 in C int */
	nb = (int64_t)(int32_t)((uint32_t)e - (uint32_t)s);
	if (!(nb == -2147483647 - 1 && i == -1))
		nb = nb / i;
	nb = (int32_t)(uint32_t)(nb + 3);
	if (nb > STAT_MAX_BUCKETS || nb < 3)
		return STAT_E_BUCKETS;
	d->hist_type = STAT_HIST_LINEAR;
	d->nbuckets = (int)nb;
	d->start = s;
	d->stop = e;
	d->interval = i;
	return (int)nb;
}

/* ---------------------------------------------------------------------- */
/* Buckets */

int stat_bucket_log(int64_t v)
{
	uint64_t u;
	int res;

	if (v == 0)
		return STAT_LOG_BUCKET0;
	u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	res = STAT_LOG_BUCKET0;
	while (u) {		/* 64 + bit length */
		res++;
		u >>= 1;
	}
	if (v < 0)
		res = STAT_LOG_BUCKETS - res;
	if (res >= STAT_LOG_BUCKETS)
		res = STAT_LOG_BUCKETS - 1;
	return res;
}

int64_t stat_bucket_log_label(int num)
{
	if (num == STAT_LOG_BUCKET0)
		return 0;
	if (num < STAT_LOG_BUCKET0)
		return sar(FMT_I64_MIN, num);
	return wshl(1, num - STAT_LOG_BUCKET0 - 1);
}

int stat_bucket_linear(const struct stat_desc *d, int64_t v)
{
	int64_t x = wsub(v, d->start);

	if (x < 0) {
		x = 0;			/* underflow */
	} else {
		uint64_t t = (uint64_t)x / (uint32_t)d->interval; /* do_div */
		x = (int64_t)t + 1;
	}
	if (x >= d->nbuckets - 1)
		x = d->nbuckets - 1;	/* overflow */
	return (int)x;
}

int stat_hist_index(const struct stat_desc *d, const struct stat_data *agg,
		    int64_t i, int64_t *count)
{
	if (agg->count == 0)
		return STAT_E_EMPTY;
	if (d->hist_type == STAT_HIST_NONE)
		return STAT_E_NOHIST;
	if (i < 0 || i >= d->nbuckets)
		return STAT_E_RANGE;
	*count = agg->hist[i];
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Accumulation: __stp_stat_add */

void stat_clear(const struct stat_desc *d, struct stat_data *sd)
{
	int j;

	sd->count = sd->sum = sd->min = sd->max = 0;
	sd->avg_s = sd->m2 = sd->variance_s = 0;
	for (j = 0; j < d->nbuckets; j++)
		sd->hist[j] = 0;
}

void stat_add(const struct stat_desc *d, struct stat_data *sd, int64_t val)
{
	int n;

	if (sd->count == 0) {
		sd->count = 1;
		sd->sum = sd->min = sd->max = val;
		sd->avg_s = wshl(val, d->shift);
		sd->m2 = 0;
	} else {
		sd->count++;
		sd->sum = wadd(sd->sum, val);
		if (val > sd->max)
			sd->max = val;
		if (val < sd->min)
			sd->min = val;
		if (d->ops & STAT_OP_VARIANCE) {
			int64_t vs = wshl(val, d->shift);
			/* int delta = ...: truncated to 32 bits */
			int32_t delta = (int32_t)(uint32_t)(uint64_t)
				wsub(vs, sd->avg_s);

			sd->avg_s = wadd(sd->avg_s, div64(delta, sd->count));
			sd->m2 = wadd(sd->m2,
				      wmul(delta, wsub(vs, sd->avg_s)));
			sd->variance_s = div64(sd->m2, sd->count - 1);
		}
	}

	switch (d->hist_type) {
	case STAT_HIST_LOG:
		n = stat_bucket_log(val);
		if (n >= d->nbuckets)
			n = d->nbuckets - 1;
		sd->hist[n]++;
		break;
	case STAT_HIST_LINEAR:
		sd->hist[stat_bucket_linear(d, val)]++;
		break;
	default:
		break;
	}
}

/* ---------------------------------------------------------------------- */
/* Aggregation: _stp_stat_get.  Upstream makes two passes over the CPUs:
 *   S1 = sum_c count_c * (avg_s_c - A)^2,  A = (sum << N) / count
 * In wrapping 64-bit arithmetic this equals exactly (ring identity)
 *   sum_c count_c*avg_s_c^2 - 2*A*sum_c count_c*avg_s_c + A^2*count,
 * so one pass suffices; the two running sums live in avg_s and m2 of the
 * aggregate, S2 = sum_c (count_c - 1) * variance_s_c in variance_s. */

void stat_agg_begin(const struct stat_desc *d, struct stat_data *agg)
{
	stat_clear(d, agg);
}

void stat_agg_merge(const struct stat_desc *d, struct stat_data *agg,
		    const struct stat_data *sd)
{
	int j;

	if (!sd->count)
		return;
	if (agg->count == 0) {
		agg->min = sd->min;
		agg->max = sd->max;
	}
	agg->count += sd->count;
	agg->sum = wadd(agg->sum, sd->sum);
	if (sd->max > agg->max)
		agg->max = sd->max;
	if (sd->min < agg->min)
		agg->min = sd->min;
	for (j = 0; j < d->nbuckets; j++)
		agg->hist[j] = wadd(agg->hist[j], sd->hist[j]);

	agg->avg_s = wadd(agg->avg_s, wmul(sd->count, sd->avg_s));
	agg->m2 = wadd(agg->m2, wmul(wmul(sd->count, sd->avg_s), sd->avg_s));
	agg->variance_s = wadd(agg->variance_s,
			       wmul(sd->count - 1, sd->variance_s));
}

void stat_agg_end(const struct stat_desc *d, struct stat_data *agg)
{
	int64_t a = div64(wshl(agg->sum, d->shift), agg->count);
	int64_t s1;

	s1 = wsub(agg->m2, wmul(wmul(2, a), agg->avg_s));
	s1 = wadd(s1, wmul(wmul(a, a), agg->count));
	agg->variance_s = div64(wadd(s1, agg->variance_s), agg->count - 1);
	agg->avg_s = a;
	agg->m2 = 0;
}

int64_t stat_avg(const struct stat_data *agg)
{
	return div64(agg->sum, agg->count);
}

int64_t stat_variance(const struct stat_desc *d, const struct stat_data *agg)
{
	return sar(agg->variance_s, 2 * d->shift);
}

/* ---------------------------------------------------------------------- */
/* Histogram text: _stp_stat_print_histogram_buf.  Each HIST_PRINTF of
 * upstream is one piece here; in buffer mode each piece is formatted into
 * the space left (widths clamped to it, as _stp_snprintf does). */

struct hsink {
	char *buf;		/* buffer mode */
	size_t size;
	int64_t pos;		/* cur_buf - buf; may pass size */
	stat_emit_fn emit;	/* callback mode */
	void *cookie;
	char line[192];
	size_t llen;
	int64_t total;		/* full length */
};

static void hs_flush(struct hsink *s)
{
	if (s->emit && s->llen) {
		s->emit(s->cookie, s->line, s->llen);
		s->llen = 0;
	}
}

/* one HIST_PRINTF */
static void hs_fmt(struct hsink *s, const char *f, size_t flen,
		   const struct fmt_value *a, int na)
{
	int n = fmt_format(0, 0, f, flen, a, na);

	if (n < 0)
		return;
	s->total += n;
	if (s->emit) {
		if (s->llen + (size_t)n + 1 > sizeof(s->line))
			hs_flush(s);
		if ((size_t)n + 1 > sizeof(s->line)) {	/* cannot happen */
			char tmp[256];
			int k = fmt_format(tmp, sizeof(tmp), f, flen, a, na);
			s->emit(s->cookie, tmp, (size_t)(k < (int)sizeof(tmp)
						? k : (int)sizeof(tmp) - 1));
			return;
		}
		fmt_format(s->line + s->llen, sizeof(s->line) - s->llen,
			   f, flen, a, na);
		s->llen += (size_t)n;
		if (s->llen && s->line[s->llen - 1] == '\n')
			hs_flush(s);
		return;
	}
	/* _stp_snprintf(cur_buf, buf + size - cur_buf, ...) */
	if (s->pos > (int64_t)s->size)
		return;			/* negative size: returns 0 */
	if (s->buf && s->pos < (int64_t)s->size)
		fmt_format(s->buf + s->pos, s->size - (size_t)s->pos,
			   f, flen, a, na);
	s->pos += n;
}

static void hs_lit(struct hsink *s, const char *text)
{
	size_t n = 0;

	while (text[n])
		n++;
	/* literal text contains no '%' */
	hs_fmt(s, text, n, 0, 0);
}

/* "%*s" of upstream's kernel-style vsnprintf: a negative width means
 * left-justify (unlike SystemTap's script printf, which clamps it to 0). */
static void hs_str_width(struct hsink *s, int width, const char *str)
{
	struct fmt_value a[2];
	size_t n = 0;

	while (str[n])
		n++;
	a[1] = fmt_str(str, n);
	if (width < 0) {
		a[0] = fmt_long(-(int64_t)width);
		hs_fmt(s, "%-*s", 4, a, 2);
	} else {
		a[0] = fmt_long(width);
		hs_fmt(s, "%*s", 3, a, 2);
	}
}

static int needed_space(int64_t v)
{
	int space = 0;
	uint64_t t;

	if (v == 0)
		return 1;
	if (v < 0) {
		space++;
		t = 0 - (uint64_t)v;
	} else {
		t = (uint64_t)v;
	}
	while (t) {
		t /= 10;
		space++;
	}
	return space;
}

static int render(struct hsink *s, const struct stat_desc *d,
		  const struct stat_data *sd)
{
	int i, j, scale, val_space, cnt_space, eliding = 0;
	int low = -1, high = 0, over = 0, under = 0;
	int nb = d->nbuckets;
	int64_t valmax = 0, val;
	uint64_t v;
	struct fmt_value a[2];

	if (d->hist_type != STAT_HIST_LOG && d->hist_type != STAT_HIST_LINEAR)
		return STAT_E_NOHIST;
	if (sd->count == 0)
		return STAT_E_EMPTY;

	for (i = 0; i < nb; i++) {
		if (sd->hist[i] > 0 && low == -1)
			low = i;
		if (sd->hist[i] > 0)
			high = i;
		if (sd->hist[i] > valmax)
			valmax = sd->hist[i];
	}
	if (low == -1)
		return STAT_E_EMPTY;

	/* two zero buckets of margin on each side */
	for (i = 0; i < 2; i++) {
		if (d->hist_type == STAT_HIST_LOG) {
			if (low != STAT_LOG_BUCKET0 && low > 0)
				low--;
		} else {
			if (low > 0)
				low--;
		}
		if (high < nb - 1)
			high++;
	}
	if (d->hist_type == STAT_HIST_LINEAR) {
		if (low == 0 && sd->hist[0] == 0)
			low++;
		if (high == nb - 1 && sd->hist[high] == 0)
			high--;
		if (low == 0)
			under = 1;
		if (high == nb - 1)
			over = 1;
	}

	if (valmax <= STAT_HIST_WIDTH) {
		scale = 1;
	} else {
		uint64_t t = (uint64_t)valmax;
		scale = (int)(t / STAT_HIST_WIDTH);
		if (t % STAT_HIST_WIDTH)
			scale++;
	}
	cnt_space = needed_space(valmax);

	if (d->hist_type == STAT_HIST_LINEAR) {
		/* st->start + st->interval * high_bucket, in C int */
		int32_t top = (int32_t)((uint32_t)d->start +
					(uint32_t)d->interval * (uint32_t)high);
		int x = needed_space(d->start) + under;
		int y = needed_space(top) + over;
		val_space = x > y ? x : y;
	} else {
		int x = needed_space(stat_bucket_log_label(high));
		int y = needed_space(stat_bucket_log_label(low));
		val_space = x > y ? x : y;
	}
	if (val_space < 5)
		val_space = 5;

	/* header */
	hs_str_width(s, val_space, "value");
	hs_lit(s, " |");
	for (j = 0; j < STAT_HIST_WIDTH; j++)
		hs_lit(s, "-");
	hs_lit(s, " count\n");

	for (i = low; i <= high; i++) {
		const char *prefix = "";
		int k, elide = 1;
		int max_elide = 2 < nb ? 2 : nb;	/* HIST_ELISION */
		int lo = low, hi = high;

		if (i - max_elide > lo)
			lo = i - max_elide;
		if (i + max_elide < hi)
			hi = i + max_elide;
		for (k = lo; k <= hi; k++)
			if (sd->hist[k] != 0)
				elide = 0;
		if (elide) {
			eliding = 1;
			continue;
		}
		if (eliding) {
			hs_str_width(s, val_space, "");
			hs_lit(s, " ~\n");
			eliding = 0;
		}

		if (d->hist_type == STAT_HIST_LINEAR) {
			if (i == 0) {
				val = d->start;
				prefix = "<";
			} else if (i == nb - 1) {
				val = wadd(d->start,
					   wmul(i - 2, d->interval));
				prefix = ">";
			} else {
				val = wadd(d->start,
					   wmul(i - 1, d->interval));
			}
		} else {
			val = stat_bucket_log_label(i);
		}
		hs_str_width(s, val_space - needed_space(val), prefix);
		a[0] = fmt_long(val);
		hs_fmt(s, "%d |", 4, a, 1);

		v = (uint64_t)sd->hist[i] / (uint64_t)scale;
		for (j = 0; (uint64_t)j < v; j++)
			hs_lit(s, "@");
		a[0] = fmt_long((int)(STAT_HIST_WIDTH - v + 1 + cnt_space));
		a[1] = fmt_long(sd->hist[i]);
		hs_fmt(s, "%*d\n", 4, a, 2);
	}
	hs_lit(s, "\n");
	return 0;
}

int stat_print_hist(char *buf, size_t size, const struct stat_desc *d,
		    const struct stat_data *agg)
{
	struct hsink s;
	int r;

	s.buf = buf;
	s.size = buf ? size : 0;
	s.pos = 0;
	s.emit = 0;
	s.cookie = 0;
	s.llen = 0;
	s.total = 0;
	if (buf && size > 0)
		buf[0] = '\0';
	r = render(&s, d, agg);
	if (r < 0)
		return r;
	if (buf && size > 0)
		buf[s.pos < (int64_t)size ? (size_t)s.pos : size - 1] = '\0';
	return s.total > 2147483647 ? 2147483647 : (int)s.total;
}

int stat_print_hist_log(char *buf, size_t size, const struct stat_data *agg)
{
	struct stat_desc d;

	stat_desc_init_log(&d, 0, 0);
	return stat_print_hist(buf, size, &d, agg);
}

int stat_print_hist_linear(char *buf, size_t size, const struct stat_data *agg,
			   int64_t start, int64_t stop, int64_t interval)
{
	struct stat_desc d;
	int r = stat_desc_init_linear(&d, start, stop, interval, 0, 0);

	if (r < 0)
		return r;
	return stat_print_hist(buf, size, &d, agg);
}

int stat_emit_hist(stat_emit_fn emit, void *cookie, const struct stat_desc *d,
		   const struct stat_data *agg)
{
	struct hsink s;
	int r;

	s.buf = 0;
	s.size = 0;
	s.pos = 0;
	s.emit = emit;
	s.cookie = cookie;
	s.llen = 0;
	s.total = 0;
	r = render(&s, d, agg);
	if (r < 0)
		return r;
	hs_flush(&s);
	return s.total > 2147483647 ? 2147483647 : (int)s.total;
}

/* ---------------------------------------------------------------------- */
/* Automatic printing of unread globals */

int stat_global_line(char *buf, size_t size, const char *name,
		     const struct fmt_value *keys, int nkeys,
		     const struct stat_data *agg)
{
	int n = fmt__global_prefix(buf, size, name, keys, nkeys);
	size_t pos = (size_t)n;
	int m;

	if (pos > size)
		pos = size;
	if (agg->count == 0) {
		struct fmt_value zero = fmt_long(0);

		m = fmt_format(buf ? buf + pos : 0, buf ? size - pos : 0,
			       " @count=%#x\n", 12, &zero, 1);
	} else {
		struct fmt_value a[5];
		static const char f[] =
			" @count=%d @min=%d @max=%d @sum=%d @avg=%d\n";

		a[0] = fmt_long(agg->count);
		a[1] = fmt_long(agg->min);
		a[2] = fmt_long(agg->max);
		a[3] = fmt_long(agg->sum);
		a[4] = fmt_long(stat_avg(agg));
		m = fmt_format(buf ? buf + pos : 0, buf ? size - pos : 0,
			       f, sizeof(f) - 1, a, 5);
	}
	if (m < 0)
		return m;
	return n + m;
}
