/* The pass-1 scanner (lexer.l): bytes of one source into raw tokens.
 * It knows nothing of macros, conditionals or command-line arguments;
 * preproc.c layers those on top. */
#ifndef SONDE_LEXER_H
#define SONDE_LEXER_H

#include "translator/ast.h"

/* Raw token types the lexer produces besides the parser's own (parser.h):
 * references to command-line arguments, resolved by preproc.c. */
enum {
	RAW_ARG_DOLLAR = 10000,   /* $N: text is N */
	RAW_ARG_AT,               /* @N */
	RAW_ARGC_DOLLAR,          /* $# */
	RAW_ARGC_AT,              /* @# */
};

struct lexer;

struct lexer *lexer_new(struct arena *a, struct strset *names,
			const struct source *src,
			const char *text, size_t len);
/* Fill *tok with the next token; tok->type is 0 at end of input. */
void lexer_next(struct lexer *lx, struct token *tok);
/* Continue lexing with arg's text in front of the rest of the input; the
 * tokens it yields are located at ref. */
void lexer_paste(struct lexer *lx, const char *arg, const struct token *ref);
/* Whether the last token came from pasted argument text. */
bool lexer_in_paste(const struct lexer *lx);
void lexer_free(struct lexer *lx);

#endif
