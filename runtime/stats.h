/* Sonde statistics (aggregates): accumulation, per-CPU aggregation,
 * @avg/@variance, histogram buckets and SystemTap's histogram text.
 * Semantics: runtime.md section 5 (upstream runtime/stat.c, stat-common.c).
 *
 * Freestanding like format.h: no allocation, no libc, integer arithmetic
 * only (all 64-bit arithmetic wraps as in the kernel).  Nothing here locks:
 * the caller serialises access to each struct stat_data (per-CPU copies are
 * written only by their CPU; aggregation runs under the caller's lock).
 *
 * Memory: a struct stat_data ends with a flexible array of histogram
 * buckets; the caller allocates STAT_DATA_SIZE(desc.nbuckets) bytes for it
 * (per CPU, per array element) and for the aggregate.  The descriptor is
 * constant for a stats variable and shared by all its copies.
 */
#ifndef SONDE_RUNTIME_STATS_H
#define SONDE_RUNTIME_STATS_H

#include "format.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STAT_HIST_NONE    0
#define STAT_HIST_LOG     1
#define STAT_HIST_LINEAR  2

#define STAT_MAX_BUCKETS     128  /* STP_MAX_BUCKETS (linear, incl. under/over) */
#define STAT_LOG_BUCKETS     128  /* HIST_LOG_BUCKETS                          */
#define STAT_LOG_BUCKET0      64  /* log bucket holding the value 0            */
#define STAT_HIST_WIDTH       50  /* bar width                                 */

/* ops bit: maintain the Welford state needed by @variance (SystemTap only
 * does this work when the variable is used with @variance). */
#define STAT_OP_VARIANCE  0x1

struct stat_desc {
	int hist_type;      /* STAT_HIST_*                                      */
	int nbuckets;       /* 0, STAT_LOG_BUCKETS, or (stop-start)/interval+3  */
	int32_t start, stop, interval;  /* linear parameters (C int upstream)   */
	int shift;          /* @variance bit shift N, 0..62                     */
	int ops;            /* STAT_OP_* bits                                   */
};

struct stat_data {
	int64_t count, sum, min, max;
	int64_t avg_s;      /* Welford running mean << shift (per CPU); after
	                       stat_agg_end: (sum << shift) / count            */
	int64_t m2;         /* Welford M2 (per CPU); merge scratch in the agg  */
	int64_t variance_s; /* M2/(count-1) (per CPU); final value in the agg  */
	int64_t hist[];     /* desc->nbuckets counters                          */
};

#define STAT_DATA_SIZE(nbuckets) \
	(sizeof(struct stat_data) + (size_t)(nbuckets) * sizeof(int64_t))

/* Error codes (negative returns). */
#define STAT_E_INTERVAL  (-1)  /* linear interval is 0                       */
#define STAT_E_BUCKETS   (-2)  /* bucket count outside 3..STAT_MAX_BUCKETS   */
#define STAT_E_EMPTY     (-3)  /* "empty aggregate"                          */
#define STAT_E_RANGE     (-4)  /* "histogram index out of range"             */
#define STAT_E_NOHIST    (-5)  /* descriptor has no histogram                */

/* SystemTap's texts for the above (the first two are run-time warnings
 * printed with a "WARNING: " prefix by the caller; the bucket one spans
 * three lines exactly as upstream prints it). */
#define STAT_MSG_INTERVAL "histogram: interval cannot be zero.\n"
#define STAT_MSG_BUCKETS  "histogram: Number of buckets must be between 1 and 126\n" \
	"Number_of_buckets = (stop - start) / interval.\n" \
	"Please adjust your start, stop, and interval values.\n"
#define STAT_MSG_EMPTY    "empty aggregate"
#define STAT_MSG_RANGE    "histogram index out of range"

/* ---- Descriptors -------------------------------------------------------- */

/* No histogram / log histogram.  shift and ops as in struct stat_desc. */
void stat_desc_init(struct stat_desc *d, int shift, int ops);
void stat_desc_init_log(struct stat_desc *d, int shift, int ops);
/* Linear histogram.  start/stop/interval are truncated to C int as
 * upstream does.  Returns the bucket count, or STAT_E_INTERVAL /
 * STAT_E_BUCKETS (the stat is then not usable, as upstream's NULL stat). */
int stat_desc_init_linear(struct stat_desc *d, int64_t start, int64_t stop,
			  int64_t interval, int shift, int ops);

/* ---- Accumulation -------------------------------------------------------- */

void stat_clear(const struct stat_desc *d, struct stat_data *sd);
/* s <<< v on one (per-CPU) copy */
void stat_add(const struct stat_desc *d, struct stat_data *sd, int64_t v);

/* Aggregation over per-CPU copies:
 *   stat_agg_begin(d, agg);
 *   for each CPU: stat_agg_merge(d, agg, cpu_copy);   (empty copies are fine)
 *   stat_agg_end(d, agg);
 * agg must not alias a per-CPU copy and must not be stat_add()ed to.
 * Arithmetic matches upstream _stp_stat_get exactly (total-variance
 * combination, truncating divisions, wrapping 64-bit products). */
void stat_agg_begin(const struct stat_desc *d, struct stat_data *agg);
void stat_agg_merge(const struct stat_desc *d, struct stat_data *agg,
		    const struct stat_data *cpu);
void stat_agg_end(const struct stat_desc *d, struct stat_data *agg);

/* Extraction from an aggregate (after stat_agg_end).  @count and @sum are
 * the fields.  @avg/@min/@max/@variance of an empty aggregate are errors
 * ("empty aggregate") the caller raises when count == 0; these functions
 * then return 0. */
int64_t stat_avg(const struct stat_data *agg);           /* sum / count  */
int64_t stat_variance(const struct stat_desc *d, const struct stat_data *agg);

/* ---- Buckets ------------------------------------------------------------ */

int stat_bucket_log(int64_t v);                          /* 0..127       */
int64_t stat_bucket_log_label(int bucket);               /* 0, 1, 2, 4, ..; -1, -2, .. */
int stat_bucket_linear(const struct stat_desc *d, int64_t v);
/* @hist_*(s)[i]: 0, STAT_E_EMPTY or STAT_E_RANGE */
int stat_hist_index(const struct stat_desc *d, const struct stat_data *agg,
		    int64_t i, int64_t *count);

/* ---- Histogram text (runtime.md 5.4) ------------------------------------ */

/* sprint(@hist_*): render into buf, snprintf-like (NUL-terminated, returns
 * the full length).  Truncation follows upstream (each piece is clamped to
 * the space left, as _stp_snprintf does), so sprint() of a long histogram
 * into MAXSTRINGLEN bytes matches SystemTap byte for byte.
 * Returns STAT_E_EMPTY for an empty aggregate, STAT_E_NOHIST without a
 * histogram. */
int stat_print_hist(char *buf, size_t size, const struct stat_desc *d,
		    const struct stat_data *agg);
/* Conveniences for an aggregate accumulated with the matching descriptor. */
int stat_print_hist_log(char *buf, size_t size, const struct stat_data *agg);
int stat_print_hist_linear(char *buf, size_t size, const struct stat_data *agg,
			   int64_t start, int64_t stop, int64_t interval);

/* print(@hist_*): the same text delivered in pieces (one call per line, at
 * most ~160 bytes each) to emit(); returns the total length or an error. */
typedef void (*stat_emit_fn)(void *cookie, const char *text, size_t len);
int stat_emit_hist(stat_emit_fn emit, void *cookie, const struct stat_desc *d,
		   const struct stat_data *agg);

/* ---- Automatic printing of unread globals (runtime.md 6.7) ------------- */

/* "name @count=2 @min=1 @max=2 @sum=3 @avg=1\n", or for an array element
 * "name[\"k\",1] @count=...\n"; an empty aggregate prints
 * "name @count=0x0\n".  snprintf-like. */
int stat_global_line(char *buf, size_t size, const char *name,
		     const struct fmt_value *keys, int nkeys,
		     const struct stat_data *agg);

#ifdef __cplusplus
}
#endif

#endif /* SONDE_RUNTIME_STATS_H */
