import { GraphQLError, type ParseOptions, type Source, TokenKind } from 'graphql';
import { Parser } from 'graphql/language/parser.js';
import type { Plugin } from 'graphql-yoga';

export interface DocumentLimits {
  /** UTF-8 bytes of the document text, comments and white space included. */
  maxBytes: number;
  /** Lexical tokens, comments included. */
  maxTokens: number;
}

/**
 * Limits on the document text, checked before and while it is parsed. graphql-armor's max-tokens (and
 * graphql-js's own `maxTokens`) skip comments, so a document padded with a megabyte of comments was
 * lexed in full and accepted. Here the size is refused before any parsing, and comments count as tokens.
 */
export function useDocumentLimits(limits: DocumentLimits): Plugin {
  const parse = (source: string | Source, options?: ParseOptions) =>
    new CommentCountingParser(source, options, limits.maxTokens).parseDocument();
  return {
    onParse({ params, setParseFn }) {
      const text = typeof params.source === 'string' ? params.source : params.source.body;
      // A UTF-16 unit is at least one UTF-8 byte, so only a text near the limit needs counting.
      const bytes = text.length > limits.maxBytes ? text.length : Buffer.byteLength(text);
      if (bytes > limits.maxBytes) {
        throw new GraphQLError(
          `Document too large: ${bytes} bytes, at most ${limits.maxBytes} (comments and white space count).`,
          { extensions: { code: 'DOCUMENT_TOO_LARGE', http: { status: 413 } } },
        );
      }
      setParseFn(parse);
    },
  };
}

/** graphql-js's parser, with the comments before each token counted as tokens too. */
class CommentCountingParser extends Parser {
  readonly #maxTokens: number;

  constructor(source: string | Source, options: ParseOptions | undefined, maxTokens: number) {
    super(source, options);
    this.#maxTokens = maxTokens;
  }

  override advanceLexer(): void {
    super.advanceLexer();
    // The lexer links the comments it skipped into the token chain, just before the token it returned.
    for (let token = this._lexer.token.prev; token?.kind === TokenKind.COMMENT; token = token.prev) {
      this._tokenCounter++;
    }
    if (this._tokenCounter > this.#maxTokens) {
      throw new GraphQLError(`Syntax Error: Token limit of ${this.#maxTokens} exceeded (comments count).`, {
        extensions: { code: 'GRAPHQL_PARSE_FAILED' },
      });
    }
  }
}
