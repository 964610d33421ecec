/* Sonde shared formatter: SystemTap's printf/sprintf format language.
 * See format.h for the API and runtime.md section 4.4 for the semantics.
 *
 * Freestanding: no libc, no allocation, no floating point.  The emission
 * routines follow SystemTap's runtime/vsprintf.c (number, _stp_vsprint_char,
 * _stp_vsprint_memory, _stp_vsprint_binary) and translate.cxx's compiled
 * printf (argument clamping) closely, quirks included, so that truncated
 * output matches byte for byte too.
 */
#include "format.h"

#define INT_MAXV 2147483647
#define INT_MINV (-2147483647 - 1)

/* ---------------------------------------------------------------------- */
/* Output cursor.  pos may run past end (number() and %c keep counting, as
 * upstream's pointer does); bytes are stored only at pos <= end. */

struct fout {
	char *buf;		/* NULL while measuring */
	int64_t end;		/* last writable index (cap - 1) */
	int64_t pos;
	int measure;		/* clamp to FMT_MAX_OUTPUT, read no memory */
};

static inline void put(struct fout *o, char c)
{
	if (o->pos <= o->end && o->buf)
		o->buf[o->pos] = c;
	o->pos++;
}

/* clamp_t(int, v, lo, hi) as the kernel defines it: min(max(v, lo), hi). */
static int clampi(int64_t v, int64_t hi)
{
	if (v < 0)
		v = 0;
	if (v > hi)
		v = hi;
	return (int)v;
}

/* The space left, as translate.cxx computes it: end - str + 1. */
static int64_t room(const struct fout *o)
{
	int64_t r;

	if (o->measure)
		return FMT_MAX_OUTPUT;
	r = o->end - o->pos + 1;
	if (r > INT_MAXV)
		r = INT_MAXV;
	if (r < INT_MINV)
		r = INT_MINV;
	return r;
}

/* ---------------------------------------------------------------------- */
/* number(): runtime/vsprintf.c */

static void emit_number(struct fout *o, uint64_t num, int base, int size,
			int precision, unsigned flags)
{
	static const char lower[] = "0123456789abcdef";
	static const char upper[] = "0123456789ABCDEF";
	const char *digits = (flags & FMT_F_LARGE) ? upper : lower;
	char tmp[66], sign = 0, c;
	int i = 0;

	if (flags & FMT_F_LEFT)
		flags &= ~FMT_F_ZEROPAD;
	c = (flags & FMT_F_ZEROPAD) ? '0' : ' ';
	if (flags & FMT_F_SIGN) {
		if ((int64_t)num < 0) {
			sign = '-';
			num = 0 - num;	/* INT64_MIN stays 2^63: wraps */
			size--;
		} else if (flags & FMT_F_PLUS) {
			sign = '+';
			size--;
		} else if (flags & FMT_F_SPACE) {
			sign = ' ';
			size--;
		}
	}
	if (flags & FMT_F_SPECIAL) {
		if (base == 16)
			size -= 2;
		else if (base == 8)
			size--;
	}
	if (num == 0)
		tmp[i++] = '0';
	else
		while (num != 0) {
			tmp[i++] = digits[num % (unsigned)base];
			num /= (unsigned)base;
		}
	if (i > precision)
		precision = i;
	size -= precision;
	if (!(flags & (FMT_F_ZEROPAD | FMT_F_LEFT)))
		while (size-- > 0)
			put(o, ' ');
	if (sign)
		put(o, sign);
	if (flags & FMT_F_SPECIAL) {
		if (base == 8) {
			put(o, '0');
		} else if (base == 16) {
			put(o, '0');
			put(o, (flags & FMT_F_LARGE) ? 'X' : 'x');
		}
	}
	if (!(flags & FMT_F_LEFT))
		while (size-- > 0)
			put(o, c);
	while (i < precision--)
		put(o, '0');
	while (i-- > 0)
		put(o, tmp[i]);
	while (size-- > 0)
		put(o, ' ');
}

/* ---------------------------------------------------------------------- */
/* %c: _stp_vsprint_char.  The kernel's isprint && isascii is 0x20..0x7e. */

static int char_size(unsigned char c, unsigned flags)
{
	if (!(flags & FMT_F_SPECIAL))
		return 1;
	if (c >= 0x20 && c <= 0x7e && c != '\'' && c != '\\')
		return 1;
	switch (c) {
	case '\a': case '\b': case '\f': case '\n': case '\r':
	case '\t': case '\v': case '\'': case '\\':
		return 2;
	default:
		return 4;
	}
}

static void emit_char(struct fout *o, unsigned char c, int width,
		      unsigned flags)
{
	int size = char_size(c, flags);

	if (!(flags & FMT_F_LEFT))
		while (width-- > size)
			put(o, ' ');
	if (size == 1) {
		put(o, (char)c);
	} else {
		char esc = 0;

		switch (c) {
		case '\a': esc = 'a'; break;
		case '\b': esc = 'b'; break;
		case '\f': esc = 'f'; break;
		case '\n': esc = 'n'; break;
		case '\r': esc = 'r'; break;
		case '\t': esc = 't'; break;
		case '\v': esc = 'v'; break;
		case '\'': esc = '\''; break;
		case '\\': esc = '\\'; break;
		}
		put(o, '\\');
		if (esc) {
			put(o, esc);
		} else {
			put(o, (char)('0' + ((c >> 6) & 3)));
			put(o, (char)('0' + ((c >> 3) & 7)));
			put(o, (char)('0' + (c & 7)));
		}
	}
	while (width-- > size)
		put(o, ' ');
}

/* ---------------------------------------------------------------------- */
/* %b: _stp_vsprint_binary.  Bytes are written little-endian (x86). */

static int binary_size_ok(int p)
{
	return (p == 1 || p == 2 || p == 4 || p == 8) ? p : -1;
}

static void emit_binary(struct fout *o, uint64_t num, int width,
			int precision, unsigned flags)
{
	int k;

	precision = (precision == -1) ? -1 : binary_size_ok(precision);
	if (width == -1) {
		if (precision == -1) {
			width = 8;
			precision = 8;
		} else {
			width = precision;
		}
	} else if (precision == -1) {
		precision = binary_size_ok(width);
		if (precision == -1)
			precision = 8;
	}
	if (!(flags & FMT_F_LEFT))
		while (precision < width-- && o->pos <= o->end)
			put(o, '\0');
	/* all or nothing: upstream skips a value that does not fit */
	if (o->pos + precision - 1 <= o->end) {
		for (k = 0; k < precision; k++)
			put(o, (char)(num >> (8 * k)));
	}
	while (precision >= 0 && width >= 0 && precision < width--
	       && o->pos <= o->end)
		put(o, '\0');
}

/* ---------------------------------------------------------------------- */
/* %s %m %M: _stp_vsprint_memory */

static int emit_memory(struct fout *o, const struct fmt_value *arg, char conv,
		       int width, int precision, unsigned flags,
		       const struct fmt_mem *mem, struct fmt_error *err)
{
	static const char hex[] = "0123456789abcdef";
	int64_t len = 0, i;

	if (conv == 's') {
		/* strnlen(ptr, clamp_t(size_t, precision, 0, STP_BUFFER_SIZE)) */
		int64_t lim = (precision < 0 || precision > FMT_MAX_OUTPUT)
			? FMT_MAX_OUTPUT : precision;
		while (len < lim && (size_t)len < arg->slen && arg->s[len])
			len++;
	} else if (precision > 0) {
		len = precision;
	} else {
		len = 1;
	}

	if (!(flags & FMT_F_LEFT)) {
		int64_t actlen = (conv == 'M') ? len * 2 : len;
		while (actlen < width-- && o->pos <= o->end)
			put(o, ' ');
	}

	if (conv == 's') {
		for (i = 0; i < len && o->pos <= o->end; i++)
			put(o, arg->s[i]);
	} else if (o->measure) {
		o->pos += (conv == 'M') ? 2 * len : len;
	} else {
		/* how many source bytes the loops below will consume */
		int64_t avail = o->end - o->pos + (conv == 'M' ? 0 : 1);
		int64_t want;
		unsigned char chunk[64];
		int user = (flags & FMT_F_SPECIAL) != 0;

		if (conv == 'M')
			avail = avail > 0 ? (avail + 1) / 2 : 0;
		want = len < avail ? len : (avail > 0 ? avail : 0);
		for (i = 0; i < want; ) {
			int64_t n = want - i, j;
			const unsigned char *src;

			if (n > (int64_t)sizeof(chunk))
				n = sizeof(chunk);
			if (arg->type == FMT_ARG_STRING) {
				if ((uint64_t)(i + n) > arg->slen)
					goto fault;
				src = (const unsigned char *)arg->s + i;
			} else {
				if (!mem || !mem->read)
					goto fault;
				if (mem->read(mem->cookie, (uint64_t)arg->l + i,
					      chunk, (size_t)n, user)) {
					/* report the first bad byte, as a
					 * byte-wise kread would */
					for (j = 0; j < n; j++, i++)
						if (mem->read(mem->cookie,
							      (uint64_t)arg->l + i,
							      chunk, 1, user))
							break;
					goto fault;
				}
				src = chunk;
			}
			for (j = 0; j < n; j++) {
				if (conv == 'M') {
					put(o, hex[src[j] >> 4]);
					put(o, hex[src[j] & 15]);
				} else {
					put(o, (char)src[j]);
				}
			}
			i += n;
		}
	}
	if (conv == 'M')
		len *= 2;

	while (len < width-- && o->pos <= o->end)
		put(o, ' ');
	if ((flags & FMT_F_ZEROPAD) && o->pos <= o->end)
		put(o, '\0');
	return 0;

fault:
	if (err) {
		err->code = FMT_E_FAULT;
		err->msg = "read fault";
		err->offset = 0;
		err->value = arg->type == FMT_ARG_LONG ? arg->l + i : 0;
	}
	return FMT_E_FAULT;
}

/* ---------------------------------------------------------------------- */
/* Parsing: staptree.cxx print_format::string_to_components */

static int perr(struct fmt_error *err, const char *msg, size_t off)
{
	if (err) {
		err->code = FMT_E_PARSE;
		err->msg = msg;
		err->offset = off;
		err->value = 0;
	}
	return FMT_E_PARSE;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int fmt_next(const char *fmt, size_t len, size_t *pos,
	     struct fmt_directive *d, struct fmt_error *err)
{
	size_t i = *pos, start;
	struct fmt_directive z = { 0 };

	if (i >= len)
		return 0;
	*d = z;
	d->width = -1;
	d->prec = -1;
	d->offset = i;

	if (fmt[i] != '%' || (i + 1 < len && fmt[i + 1] == '%')) {
		d->kind = FMT_LITERAL;
		if (fmt[i] == '%') {		/* "%%" */
			d->len = 1;
			*pos = i + 2;
			return 1;
		}
		while (i < len && fmt[i] != '%')
			i++;
		if (i + 1 < len && fmt[i + 1] == '%') {	/* "...%%" */
			d->len = i + 1 - d->offset;
			*pos = i + 2;
		} else {
			d->len = i - d->offset;
			*pos = i;
		}
		return 1;
	}

	/* a conversion */
	start = i++;
	d->kind = FMT_CONV;
	if (i >= len)		/* a lone '%' at the end, as upstream words it */
		return perr(err, FMT_MSG_BADCONV, start);
	switch (fmt[i]) {		/* exactly one flag */
	case '0': d->flags |= FMT_F_ZEROPAD; i++; break;
	case '+': d->flags |= FMT_F_PLUS; i++; break;
	case '-': d->flags |= FMT_F_LEFT; i++; break;
	case ' ': d->flags |= FMT_F_SPACE; i++; break;
	case '#': d->flags |= FMT_F_SPECIAL; i++; break;
	}
	if (i >= len)
		return perr(err, FMT_MSG_TRAILING, start);
	if (fmt[i] == '*') {
		d->width_kind = FMT_DYNAMIC;
		i++;
	} else if (is_digit(fmt[i])) {
		int64_t w = 0;
		d->width_kind = FMT_STATIC;
		while (i < len && is_digit(fmt[i])) {
			w = w * 10 + (fmt[i++] - '0');
			if (w > INT_MAXV)
				w = INT_MAXV;
		}
		d->width = (int)w;
	}
	if (i >= len)
		return perr(err, FMT_MSG_TRAILING, start);
	if (fmt[i] == '.') {
		i++;
		if (i >= len)
			return perr(err, FMT_MSG_TRAILING, start);
		if (fmt[i] == '*') {
			d->prec_kind = FMT_DYNAMIC;
			i++;
		} else if (is_digit(fmt[i])) {
			int64_t p = 0;
			d->prec_kind = FMT_STATIC;
			while (i < len && is_digit(fmt[i])) {
				p = p * 10 + (fmt[i++] - '0');
				if (p > INT_MAXV)
					p = INT_MAXV;
			}
			d->prec = (int)p;
		}
		/* '.' followed by neither: precision unspecified */
	}
	if (i >= len)
		return perr(err, FMT_MSG_TRAILING, start);
	if (fmt[i] == 'l') {		/* one optional 'l' is ignored */
		i++;
		if (i >= len)
			return perr(err, FMT_MSG_TRAILING, start);
	}
	d->arg_type = FMT_ARG_LONG;
	switch (fmt[i]) {
	case 'd': case 'i':
		d->flags |= FMT_F_SIGN;
		d->base = 10;
		break;
	case 'u':
		d->base = 10;
		break;
	case 'o':
		d->base = 8;
		break;
	case 'X':
		d->flags |= FMT_F_LARGE;
		d->base = 16;
		break;
	case 'x':
		d->base = 16;
		break;
	case 'p':			/* %p == %#x since stap 1.3 */
		d->flags |= FMT_F_SPECIAL;
		d->base = 16;
		break;
	case 's':
		d->arg_type = FMT_ARG_STRING;
		break;
	case 'c': case 'b': case 'm': case 'M':
		break;
	default:
		return perr(err, FMT_MSG_BADCONV, i);
	}
	d->conv = fmt[i];
	d->nargs = (unsigned char)(1 + (d->width_kind == FMT_DYNAMIC)
				   + (d->prec_kind == FMT_DYNAMIC));
	d->len = i + 1 - start;
	*pos = i + 1;
	return 1;
}

int fmt_parse(const char *fmt, size_t len, struct fmt_directive *out, int max,
	      struct fmt_error *err)
{
	size_t pos = 0;
	int n = 0, r;
	struct fmt_directive d;

	if (err) {
		err->code = 0;
		err->msg = 0;
	}
	while ((r = fmt_next(fmt, len, &pos, &d, err)) > 0) {
		if (out && n < max)
			out[n] = d;
		n++;
	}
	return r < 0 ? r : n;
}

int fmt_arg_types(const struct fmt_directive *d, int n,
		  unsigned char *types, int max)
{
	int i, k = 0;

	for (i = 0; i < n; i++) {
		if (d[i].kind != FMT_CONV)
			continue;
		if (d[i].width_kind == FMT_DYNAMIC) {
			if (types && k < max)
				types[k] = FMT_ARG_LONG;
			k++;
		}
		if (d[i].prec_kind == FMT_DYNAMIC) {
			if (types && k < max)
				types[k] = FMT_ARG_LONG;
			k++;
		}
		if (types && k < max)
			types[k] = d[i].arg_type;
		k++;
	}
	return k;
}

/* ---------------------------------------------------------------------- */
/* The engine */

static int aerr(struct fmt_error *err, size_t off)
{
	if (err) {
		err->code = FMT_E_ARGS;
		err->msg = "missing or mistyped printf argument";
		err->offset = off;
		err->value = 0;
	}
	return FMT_E_ARGS;
}

static int take_long(const struct fmt_value *args, int nargs, int *ai,
		     int64_t *v)
{
	if (*ai >= nargs || args[*ai].type != FMT_ARG_LONG)
		return -1;
	*v = args[(*ai)++].l;
	return 0;
}

static int run_one(struct fout *o, const char *fmt, const struct fmt_directive *d,
		   const struct fmt_value *args, int nargs, int *ai,
		   const struct fmt_mem *mem, struct fmt_error *err)
{
	const struct fmt_value *arg;
	int64_t v;
	int width = -1, prec = -1;
	int64_t rawprec = -1;

	if (d->kind == FMT_LITERAL) {
		size_t k;

		if (o->measure) {
			o->pos += (int64_t)d->len;
			return 0;
		}
		for (k = 0; k < d->len && o->pos <= o->end; k++)
			put(o, fmt[d->offset + k]);
		return 0;
	}

	/* width, then precision, then the value (translate.cxx order) */
	if (d->width_kind == FMT_DYNAMIC) {
		if (take_long(args, nargs, ai, &v))
			return aerr(err, d->offset);
		width = clampi((int32_t)(uint32_t)(uint64_t)v, room(o));
	} else if (d->width_kind == FMT_STATIC) {
		width = clampi(d->width, room(o));
	}
	if (d->prec_kind == FMT_DYNAMIC) {
		if (take_long(args, nargs, ai, &v))
			return aerr(err, d->offset);
		rawprec = (int32_t)(uint32_t)(uint64_t)v;
		prec = clampi(rawprec, room(o));
	} else if (d->prec_kind == FMT_STATIC) {
		rawprec = d->prec;
		prec = clampi(rawprec, room(o));
	}

	if (*ai >= nargs)
		return aerr(err, d->offset);
	arg = &args[*ai];
	if (d->conv == 's') {
		if (arg->type != FMT_ARG_STRING || (!arg->s && arg->slen))
			return aerr(err, d->offset);
	} else if (d->conv == 'm' || d->conv == 'M') {
		if (arg->type != FMT_ARG_LONG &&
		    (arg->type != FMT_ARG_STRING || (!arg->s && arg->slen)))
			return aerr(err, d->offset);
	} else if (arg->type != FMT_ARG_LONG) {
		return aerr(err, d->offset);
	}
	(*ai)++;

	switch (d->conv) {
	case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': case 'p':
		emit_number(o, (uint64_t)arg->l, d->base, width, prec,
			    d->flags);
		return 0;
	case 'c':
		emit_char(o, (unsigned char)arg->l, width, d->flags);
		return 0;
	case 'b':
		emit_binary(o, (uint64_t)arg->l, width, prec, d->flags);
		return 0;
	case 'm': case 'M':
		if (rawprec > FMT_PAGE_SIZE) {
			if (err) {
				err->code = FMT_E_MEMDUMP;
				err->msg = "is too many bytes for a memory dump";
				err->offset = d->offset;
				err->value = rawprec;
			}
			return FMT_E_MEMDUMP;
		}
		return emit_memory(o, arg, d->conv, width, prec, d->flags,
				   mem, err);
	case 's':
		return emit_memory(o, arg, d->conv, width, prec, d->flags,
				   mem, err);
	}
	return aerr(err, d->offset);
}

static int run(struct fout *o, const char *fmt, size_t len,
	       const struct fmt_directive *dirs, int ndirs,
	       const struct fmt_value *args, int nargs,
	       const struct fmt_mem *mem, struct fmt_error *err)
{
	int ai = 0, r;

	if (dirs) {
		int k;

		for (k = 0; k < ndirs; k++) {
			r = run_one(o, fmt, &dirs[k], args, nargs, &ai, mem, err);
			if (r < 0)
				return r;
		}
	} else {
		size_t pos = 0;
		struct fmt_directive d;

		while ((r = fmt_next(fmt, len, &pos, &d, err)) > 0) {
			r = run_one(o, fmt, &d, args, nargs, &ai, mem, err);
			if (r < 0)
				return r;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int do_format(char *buf, size_t size, const char *fmt, size_t len,
		     const struct fmt_directive *dirs, int ndirs,
		     const struct fmt_value *args, int nargs,
		     const struct fmt_mem *mem, struct fmt_error *err)
{
	struct fout m = { 0, FMT_I64_MAX / 4, 0, 1 };
	int r;

	if (err) {
		err->code = 0;
		err->msg = 0;
	}
	r = run(&m, fmt, len, dirs, ndirs, args, nargs, mem, err);
	if (r < 0)
		return r;
	if (buf && size > 0) {
		struct fout o;

		o.buf = buf;
		o.end = (size > (size_t)INT_MAXV ? INT_MAXV : (int64_t)size) - 1;
		o.pos = 0;
		o.measure = 0;
		r = run(&o, fmt, len, dirs, ndirs, args, nargs, mem, err);
		if (r < 0) {
			buf[0] = '\0';
			return r;
		}
		/* upstream: if (str <= end) *str = '\0'; else *end = '\0'; */
		buf[o.pos <= o.end ? o.pos : o.end] = '\0';
	}
	return m.pos > INT_MAXV ? INT_MAXV : (int)m.pos;
}

static int do_emit(char *buf, size_t cap, const char *fmt, size_t len,
		   const struct fmt_directive *dirs, int ndirs,
		   const struct fmt_value *args, int nargs,
		   const struct fmt_mem *mem, struct fmt_error *err)
{
	struct fout o;
	int r;

	if (err) {
		err->code = 0;
		err->msg = 0;
	}
	if (cap > (size_t)INT_MAXV)
		cap = INT_MAXV;
	o.buf = buf;
	o.end = (int64_t)cap - 1;
	o.pos = 0;
	o.measure = 0;
	if (!buf || cap == 0)
		return 0;
	r = run(&o, fmt, len, dirs, ndirs, args, nargs, mem, err);
	if (r < 0)
		return r;
	return (int)(o.pos < (int64_t)cap ? o.pos : (int64_t)cap);
}

int fmt_format(char *buf, size_t size, const char *fmt, size_t len,
	       const struct fmt_value *args, int nargs)
{
	return do_format(buf, size, fmt, len, 0, 0, args, nargs, 0, 0);
}

int fmt_format_ex(char *buf, size_t size, const char *fmt, size_t len,
		  const struct fmt_value *args, int nargs,
		  const struct fmt_mem *mem, struct fmt_error *err)
{
	return do_format(buf, size, fmt, len, 0, 0, args, nargs, mem, err);
}

int fmt_emit(char *buf, size_t cap, const char *fmt, size_t len,
	     const struct fmt_value *args, int nargs,
	     const struct fmt_mem *mem, struct fmt_error *err)
{
	return do_emit(buf, cap, fmt, len, 0, 0, args, nargs, mem, err);
}

int fmt_format_dirs(char *buf, size_t size, const char *fmt,
		    const struct fmt_directive *dirs, int ndirs,
		    const struct fmt_value *args, int nargs,
		    const struct fmt_mem *mem, struct fmt_error *err)
{
	return do_format(buf, size, fmt, 0, dirs, ndirs, args, nargs, mem,
			 err);
}

int fmt_emit_dirs(char *buf, size_t cap, const char *fmt,
		  const struct fmt_directive *dirs, int ndirs,
		  const struct fmt_value *args, int nargs,
		  const struct fmt_mem *mem, struct fmt_error *err)
{
	return do_emit(buf, cap, fmt, 0, dirs, ndirs, args, nargs, mem, err);
}

/* ---------------------------------------------------------------------- */
/* Small string builder on top of the engine (snprintf-like). */

struct sb {
	char *buf;
	size_t size;
	size_t len;	/* full length so far */
};

static void sb_bytes(struct sb *s, const char *p, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++, s->len++)
		if (s->buf && s->len + 1 < s->size)
			s->buf[s->len] = p[k];
}

static void sb_cstr(struct sb *s, const char *p)
{
	size_t n = 0;

	while (p[n])
		n++;
	sb_bytes(s, p, n);
}

static void sb_fmt1(struct sb *s, const char *f, size_t flen,
		    const struct fmt_value *a, int na)
{
	char tmp[96];
	int n = fmt_format(tmp, sizeof(tmp), f, flen, a, na);

	if (n > 0)
		sb_bytes(s, tmp, (size_t)n < sizeof(tmp) ? (size_t)n
			 : sizeof(tmp) - 1);
}

static void sb_long(struct sb *s, int64_t v, int hex)
{
	struct fmt_value a = fmt_long(v);

	if (hex)
		sb_fmt1(s, "%#x", 3, &a, 1);
	else
		sb_fmt1(s, "%d", 2, &a, 1);
}

static void sb_str(struct sb *s, const struct fmt_value *v)
{
	size_t n = 0;

	while (n < v->slen && v->s[n])
		n++;
	sb_bytes(s, v->s, n);
}

static int sb_done(struct sb *s)
{
	if (s->buf && s->size > 0)
		s->buf[s->len < s->size ? s->len : s->size - 1] = '\0';
	return s->len > INT_MAXV ? INT_MAXV : (int)s->len;
}

int fmt_error_message(char *buf, size_t size, const struct fmt_error *err)
{
	struct sb s = { buf, size, 0 };

	switch (err ? err->code : 0) {
	case FMT_E_MEMDUMP:
		sb_long(&s, err->value, 0);
		sb_cstr(&s, " is too many bytes for a memory dump");
		break;
	case FMT_E_FAULT:
		sb_cstr(&s, "read fault [man error::fault] at ");
		sb_long(&s, err->value, 1);
		break;
	case 0:
		break;
	default:
		if (err->msg)
			sb_cstr(&s, err->msg);
		break;
	}
	return sb_done(&s);
}

int fmt__global_prefix(char *buf, size_t size, const char *name,
		       const struct fmt_value *keys, int nkeys)
{
	struct sb s = { buf, size, 0 };
	int k;

	sb_cstr(&s, name);
	if (nkeys > 0) {
		sb_bytes(&s, "[", 1);
		for (k = 0; k < nkeys; k++) {
			if (k)
				sb_bytes(&s, ",", 1);
			if (keys[k].type == FMT_ARG_STRING) {
				sb_bytes(&s, "\"", 1);
				sb_str(&s, &keys[k]);
				sb_bytes(&s, "\"", 1);
			} else {
				sb_long(&s, keys[k].l, 0);
			}
		}
		sb_bytes(&s, "]", 1);
	}
	return sb_done(&s);
}

int fmt_global_line(char *buf, size_t size, const char *name,
		    const struct fmt_value *keys, int nkeys,
		    const struct fmt_value *val, int hex)
{
	int n = fmt__global_prefix(buf, size, name, keys, nkeys);
	struct sb s = { buf, size, (size_t)n };

	sb_bytes(&s, "=", 1);
	if (val->type == FMT_ARG_STRING) {
		sb_bytes(&s, "\"", 1);
		sb_str(&s, val);
		sb_bytes(&s, "\"", 1);
	} else {
		sb_long(&s, val->l, hex);
	}
	sb_bytes(&s, "\n", 1);
	return sb_done(&s);
}
