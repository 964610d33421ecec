/* Diagnostics are values: passes record them, the driver prints them in
 * SystemTap's layout (spec/language.md §7) and stops after a pass with
 * errors. */
#ifndef SONDE_DIAG_H
#define SONDE_DIAG_H

#include <stdio.h>

#include "translator/ast.h"
#include "translator/strset.h"

enum diag_kind { DIAG_PARSE, DIAG_SEMANTIC, DIAG_WARNING, DIAG_PLAIN };

/* How a parse error shows its token: "at:" names the offending token,
 * "saw:" is the token found where something else was expected. */
enum diag_form { FORM_AT, FORM_SAW };

struct diag {
	enum diag_kind kind;
	enum diag_form form;
	const char *msg;
	const struct token *tok;      /* NULL: no location */
	bool at_eof;                  /* saw end of file of eof_src */
	const struct source *eof_src;
	struct diag *chain;           /* further related errors */
	const char *dedup_key;        /* identical keys print once; NULL: the text */
	const struct token *tok2;     /* a second place, printed after the first */
};

struct diags {
	struct arena *arena;
	struct ptrvec list;           /* struct diag * in order of report */
	int parse_errors;             /* per current file, for "N parse errors." */
	int errors;
	int warnings;
	bool empty_input;             /* no "N parse errors." line then */
	bool no_warnings;             /* -w */
	int suppressed_errors;        /* identical errors printed once */
	int suppressed_warnings;
	struct strset printed;        /* keys of diagnostics already printed */
	const struct source *last_src;  /* file of the last token printed */
};

void diags_init(struct diags *d, struct arena *a);
void diags_release(struct diags *d);
struct diag *diag_parse_error(struct diags *d, enum diag_form form,
			      const struct token *tok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
struct diag *diag_parse_error_eof(struct diags *d, const struct source *src,
				  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An error printed as its bare message ("Input file 'x' is empty."). */
struct diag *diag_plain_error(struct diags *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "semantic error: MSG: TOKEN"; NULL tok for none.  Chain further
 * errors with diag_chain. */
struct diag *diag_semantic_error(struct diags *d, const struct token *tok,
				 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Attach a related error printed after g ("type was first inferred here"). */
struct diag *diag_chain(struct diags *d, struct diag *g, const struct token *tok,
			const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
struct diag *diag_warning(struct diags *d, const struct token *tok,
			  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Render one token as "identifier 'x' at f.stp:1:5". */
void diag_print_token(FILE *out, const struct token *tok);
/* Print every recorded diagnostic from index 'from' on, and return the
 * new end index.  Identical texts are printed once unless verbose. */
int diags_flush(struct diags *d, FILE *out, int from, bool verbose);
/* "Number of similar error messages suppressed: N." lines, if any. */
void diags_print_suppressed(const struct diags *d, FILE *out);

#endif
