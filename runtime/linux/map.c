/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * map.c - script arrays: preallocated hash maps with up to
 * SONDE_MAX_KEYS long or string keys (runtime.md 6).
 *
 * All entries are allocated at module load (max_entries of them, each
 * holding a header, the keys and the value) and chained into a free
 * list; a probe never allocates.  Buckets hold entry numbers + 1.  An
 * insertion counter orders ties when sorting, as SystemTap prints
 * elements that compare equal in the order they were added.  Callers
 * hold the globals lock.
 */

struct sonde_entry {
	u32 next;		/* next entry in the bucket or free list, + 1 */
	u32 used;
	u64 seq;		/* insertion order */
};

struct sonde_map {
	const struct sonde_map_desc *d;
	size_t entry_size;
	size_t key_off[SONDE_MAX_KEYS];
	size_t val_off, val_size;
	u32 nbuckets;		/* a power of two */
	u32 *buckets;
	char *entries;
	u32 free;		/* free list head + 1 */
	int count;
	u64 seq;
};

static struct sonde_entry *sonde_map_entry(const struct sonde_map *m, u32 i)
{
	return (struct sonde_entry *)(m->entries + (size_t)i * m->entry_size);
}

static size_t sonde_value_size(const struct sonde_map_desc *d)
{
	if (d->value_type == SONDE_STRING)
		return MAXSTRINGLEN;
	if (d->value_type == SONDE_STATS)
		return STAT_DATA_SIZE(d->stat->nbuckets);
	return sizeof(int64_t);
}

static __maybe_unused struct sonde_map *sonde_map_new(const struct sonde_map_desc *d)
{
	struct sonde_map *m = kzalloc(sizeof(*m), GFP_KERNEL);
	size_t off = sizeof(struct sonde_entry);
	u32 i;
	int k;

	if (!m)
		return NULL;
	m->d = d;
	for (k = 0; k < d->nkeys; k++) {
		m->key_off[k] = off;
		off += d->key_type[k] == SONDE_STRING ? MAXSTRINGLEN : 8;
	}
	m->val_off = ALIGN(off, 8);
	m->val_size = sonde_value_size(d);
	m->entry_size = ALIGN(m->val_off + m->val_size, 8);
	m->nbuckets = roundup_pow_of_two(max(d->max_entries, 2));
	m->buckets = vzalloc(m->nbuckets * sizeof(u32));
	m->entries = vzalloc((size_t)d->max_entries * m->entry_size);
	if (!m->buckets || !m->entries) {
		vfree(m->buckets);
		vfree(m->entries);
		kfree(m);
		return NULL;
	}
	for (i = 0; i < d->max_entries; i++)
		sonde_map_entry(m, i)->next = i + 2 <= d->max_entries ? i + 2 : 0;
	m->free = 1;
	return m;
}

static __maybe_unused void sonde_map_free(struct sonde_map *m)
{
	if (!m)
		return;
	vfree(m->buckets);
	vfree(m->entries);
	kfree(m);
}

static u32 sonde_map_hash(const struct sonde_map *m, const struct sonde_key *k)
{
	u64 h = 14695981039346656037ULL;
	const unsigned char *p;
	int i;

	for (i = 0; i < m->d->nkeys; i++) {
		if (m->d->key_type[i] == SONDE_STRING) {
			for (p = (const unsigned char *)k->s[i]; *p; p++)
				h = (h ^ *p) * 1099511628211ULL;
			h = (h ^ 0xff) * 1099511628211ULL;
		} else {
			h = (h ^ (u64)k->l[i]) * 1099511628211ULL;
			h ^= h >> 29;
		}
	}
	return (u32)(h ^ (h >> 32)) & (m->nbuckets - 1);
}

static bool sonde_map_match(const struct sonde_map *m, u32 e,
			    const struct sonde_key *k)
{
	const char *base = (const char *)sonde_map_entry(m, e);
	int i;

	for (i = 0; i < m->d->nkeys; i++) {
		if (m->d->key_type[i] == SONDE_STRING) {
			if (strncmp(base + m->key_off[i], k->s[i], MAXSTRINGLEN - 1))
				return false;
		} else if (*(const int64_t *)(base + m->key_off[i]) != k->l[i]) {
			return false;
		}
	}
	return true;
}

/* entry number + 1 of key, or 0; *slot gets the link pointing at it */
static u32 sonde_map_find(struct sonde_map *m, const struct sonde_key *k,
			  u32 **slot)
{
	u32 *link = &m->buckets[sonde_map_hash(m, k)];

	while (*link) {
		if (sonde_map_match(m, *link - 1, k))
			break;
		link = &sonde_map_entry(m, *link - 1)->next;
	}
	if (slot)
		*slot = link;
	return *link;
}

static __maybe_unused void *sonde_map_lookup(struct sonde_map *m,
					     const struct sonde_key *k)
{
	u32 e = sonde_map_find(m, k, NULL);

	return e ? sonde_map_value(m, e - 1) : NULL;
}

static void sonde_map_unlink(struct sonde_map *m, u32 *link)
{
	u32 e = *link;
	struct sonde_entry *ent = sonde_map_entry(m, e - 1);

	*link = ent->next;
	ent->used = 0;
	ent->next = m->free;
	m->free = e;
	m->count--;
}

/* name%: make room by dropping the oldest element */
static void sonde_map_drop_oldest(struct sonde_map *m)
{
	struct sonde_key k;
	u32 i, oldest = 0;
	u64 seq = U64_MAX;
	u32 *link;
	int n;

	for (i = 0; i < m->d->max_entries; i++) {
		struct sonde_entry *e = sonde_map_entry(m, i);

		if (e->used && e->seq < seq) {
			seq = e->seq;
			oldest = i;
		}
	}
	for (n = 0; n < m->d->nkeys; n++) {
		k.l[n] = sonde_map_key_long(m, oldest, n);
		k.s[n] = sonde_map_key_str(m, oldest, n);
	}
	if (sonde_map_find(m, &k, &link))
		sonde_map_unlink(m, link);
}

static __maybe_unused void *sonde_map_insert(struct sonde_context *c,
					     struct sonde_map *m,
					     const struct sonde_key *k,
					     const char *loc)
{
	u32 *link, e;
	char *base;
	int i;

	e = sonde_map_find(m, k, &link);
	if (e)
		return sonde_map_value(m, e - 1);
	if (!m->free && m->d->wrap && m->count) {
		sonde_map_drop_oldest(m);
		sonde_map_find(m, k, &link);
	}
	if (!m->free) {
		snprintf(c->error_buf, sizeof(c->error_buf),
			 "Array overflow, check size limit (%d)", m->d->max_entries);
		sonde_error(c, c->error_buf, loc);
		return NULL;
	}
	e = m->free;
	base = (char *)sonde_map_entry(m, e - 1);
	m->free = sonde_map_entry(m, e - 1)->next;
	memset(base, 0, m->entry_size);
	for (i = 0; i < m->d->nkeys; i++) {
		if (m->d->key_type[i] == SONDE_STRING)
			strscpy(base + m->key_off[i], k->s[i], MAXSTRINGLEN);
		else
			*(int64_t *)(base + m->key_off[i]) = k->l[i];
	}
	if (m->d->value_type == SONDE_STATS)
		stat_clear(m->d->stat, (struct stat_data *)(base + m->val_off));
	((struct sonde_entry *)base)->used = 1;
	((struct sonde_entry *)base)->seq = ++m->seq;
	*link = e;
	m->count++;
	return base + m->val_off;
}

static __maybe_unused void sonde_map_delete(struct sonde_map *m,
					    const struct sonde_key *k)
{
	u32 *link;

	if (sonde_map_find(m, k, &link))
		sonde_map_unlink(m, link);
}

static __maybe_unused void sonde_map_clear(struct sonde_map *m)
{
	u32 i;

	memset(m->buckets, 0, m->nbuckets * sizeof(u32));
	for (i = 0; i < m->d->max_entries; i++) {
		struct sonde_entry *e = sonde_map_entry(m, i);

		e->used = 0;
		e->next = i + 2 <= m->d->max_entries ? i + 2 : 0;
	}
	m->free = 1;
	m->count = 0;
}

static __maybe_unused int sonde_map_count(const struct sonde_map *m)
{
	return m->count;
}

static __maybe_unused int64_t sonde_map_key_long(const struct sonde_map *m,
						 unsigned e, int i)
{
	if (m->d->key_type[i] != SONDE_LONG)
		return 0;
	return *(const int64_t *)((const char *)sonde_map_entry(m, e) + m->key_off[i]);
}

static __maybe_unused const char *sonde_map_key_str(const struct sonde_map *m,
						    unsigned e, int i)
{
	if (m->d->key_type[i] != SONDE_STRING)
		return "";
	return (const char *)sonde_map_entry(m, e) + m->key_off[i];
}

static __maybe_unused void *sonde_map_value(const struct sonde_map *m, unsigned e)
{
	return (char *)sonde_map_entry(m, e) + m->val_off;
}

/* ---- sorting ------------------------------------------------------------ */

struct sonde_sort {
	const struct sonde_map *m;
	int col, dir, agg;
};

/* a statistic's sort value: the extractor foreach names (@count when
 * none), as upstream sorts statistics arrays */
static int64_t sonde_stat_key(const struct stat_data *s, int agg)
{
	switch (agg) {
	case 1: return s->sum;
	case 2: return s->count ? s->min : 0;
	case 3: return s->count ? s->max : 0;
	case 4: return s->count ? s->sum / s->count : 0;
	default: return s->count;
	}
}

static int sonde_sort_cmp(const struct sonde_sort *s, u32 a, u32 b)
{
	const struct sonde_map *m = s->m;
	int c = 0, type;
	const char *pa, *pb;

	if (s->col == 0) {
		type = m->d->value_type;
		pa = sonde_map_value(m, a);
		pb = sonde_map_value(m, b);
	} else {
		type = m->d->key_type[s->col - 1];
		pa = (const char *)sonde_map_entry(m, a) + m->key_off[s->col - 1];
		pb = (const char *)sonde_map_entry(m, b) + m->key_off[s->col - 1];
	}
	if (s->dir) {
		if (type == SONDE_STRING) {
			c = strncmp(pa, pb, MAXSTRINGLEN);
			c = (c > 0) - (c < 0);
		} else {
			int64_t x = type == SONDE_STATS
				? sonde_stat_key((const struct stat_data *)pa, s->agg)
				: *(const int64_t *)pa;
			int64_t y = type == SONDE_STATS
				? sonde_stat_key((const struct stat_data *)pb, s->agg)
				: *(const int64_t *)pb;

			c = (x > y) - (x < y);
		}
		c *= s->dir;
	}
	if (c)
		return c;
	return (sonde_map_entry(m, a)->seq > sonde_map_entry(m, b)->seq) -
	       (sonde_map_entry(m, a)->seq < sonde_map_entry(m, b)->seq);
}

/* heap sort: no recursion, no allocation, a context argument */
static void sonde_sift(const struct sonde_sort *s, unsigned *v, int i, int n)
{
	for (;;) {
		int big = i, l = 2 * i + 1, r = l + 1;
		unsigned t;

		if (l < n && sonde_sort_cmp(s, v[l], v[big]) > 0)
			big = l;
		if (r < n && sonde_sort_cmp(s, v[r], v[big]) > 0)
			big = r;
		if (big == i)
			return;
		t = v[i];
		v[i] = v[big];
		v[big] = t;
		i = big;
	}
}

static __maybe_unused int sonde_map_sort(struct sonde_context *c,
					 struct sonde_map *m, unsigned *order,
					 int col, int dir, int agg, long limit)
{
	struct sonde_sort s = { .m = m, .col = col, .dir = dir, .agg = agg };
	int n = 0, i;
	u32 e;

	for (e = 0; e < m->d->max_entries; e++)
		if (sonde_map_entry(m, e)->used)
			order[n++] = e;
	for (i = n / 2 - 1; i >= 0; i--)
		sonde_sift(&s, order, i, n);
	for (i = n - 1; i > 0; i--) {
		unsigned t = order[0];

		order[0] = order[i];
		order[i] = t;
		sonde_sift(&s, order, 0, i);
	}
	if (limit >= 0 && limit < n)
		n = (int)limit;
	return n;
}
