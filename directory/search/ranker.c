/*
 * The search's relevance rule for SQLite, as an FTS5 auxiliary function, so that a search
 * reads its words' lists once instead of once for each part of the rule (directory/search/
 * ranker.py loads it into every SQLite connection; fulltext.py says the rule):
 *
 *     search_relevance(<fts5 table>, words, near, phrase)
 *
 * for a row the MATCH found (every word present, each word an OR of its terms):
 *   - words: for each phrase of the MATCH expression, in order, the number of the search word
 *     it is ('0' + n): "0011" for two words each read as two of the index's terms;
 *   - near: the most words between two search words that are "near" (fulltext.NEAR);
 *   - phrase: the most words between two neighbouring search words that make a phrase
 *     (fulltext.PHRASE).
 * It returns -1 when the row does not match by the rule (several words: neither all of them
 * in the title, column 0, nor each two within `near` words of each other in one column),
 * else 2 for all the words in the title plus 1 for a phrase (one word: always a phrase).
 *
 * FTS5's interface for such functions (Fts5ExtensionApi, fts5_api) comes with sqlite3.h.
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#define MAX_WORDS 8 /* fulltext.MAX_TERMS */
#define ON_STACK 64 /* instances held without an allocation */

typedef struct Hit {
  int word, column, offset;
} Hit;

/* Whether some instance of word a and some of word b lie in one column at most `gap` words
 * apart (so `gap + 1` tokens, either way round, as FTS5's NEAR counts them). */
static int within(const Hit *hits, int count, int a, int b, int gap) {
  for (int i = 0; i < count; i++) {
    if (hits[i].word != a) continue;
    for (int j = 0; j < count; j++) {
      int apart = hits[j].offset - hits[i].offset;
      if (hits[j].word == b && hits[j].column == hits[i].column && apart <= gap + 1 &&
          apart >= -(gap + 1))
        return 1;
    }
  }
  return 0;
}

static void relevance(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                      int argc, sqlite3_value **argv) {
  if (argc != 3) {
    sqlite3_result_error(ctx, "search_relevance: words, near, phrase", -1);
    return;
  }
  const unsigned char *map = sqlite3_value_text(argv[0]);
  int phrases = sqlite3_value_bytes(argv[0]);
  int near = sqlite3_value_int(argv[1]), phrase = sqlite3_value_int(argv[2]);
  int words = 0, count = 0;
  for (int i = 0; i < phrases; i++) {
    int word = map[i] - '0';
    if (word < 0 || word >= MAX_WORDS) {
      sqlite3_result_error(ctx, "search_relevance: a word's number out of range", -1);
      return;
    }
    if (word + 1 > words) words = word + 1;
  }
  int rc = api->xInstCount(fts, &count);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(ctx, rc);
    return;
  }
  Hit held[ON_STACK];
  Hit *hits = held;
  if (count > ON_STACK) {
    hits = sqlite3_malloc64(sizeof(Hit) * (sqlite3_uint64)count);
    if (hits == 0) {
      sqlite3_result_error_nomem(ctx);
      return;
    }
  }
  int titled[MAX_WORDS] = {0}, kept = 0;
  for (int i = 0; i < count; i++) {
    int which, column, offset;
    rc = api->xInst(fts, i, &which, &column, &offset);
    if (rc != SQLITE_OK) break;
    if (which < 0 || which >= phrases) continue;
    Hit hit = {map[which] - '0', column, offset};
    if (column == 0) titled[hit.word] = 1;
    hits[kept++] = hit;
  }
  if (rc == SQLITE_OK) {
    int title = 1, nearby = 1, together = 1;
    for (int w = 0; w < words; w++) title = title && titled[w];
    for (int a = 0; a < words && nearby; a++)
      for (int b = a + 1; b < words && nearby; b++) nearby = within(hits, kept, a, b, near);
    for (int w = 0; w + 1 < words && together; w++)
      together = within(hits, kept, w, w + 1, phrase);
    sqlite3_result_int(ctx, title || nearby ? 2 * title + together : -1);
  } else {
    sqlite3_result_error_code(ctx, rc);
  }
  if (hits != held) sqlite3_free(hits);
}

/* Run by SQLite for every connection opened once ranker.py has registered it (an automatic
 * extension): the function added to the connection's FTS5. */
int search_relevance_init(sqlite3 *db, char **error, const sqlite3_api_routines *routines) {
  SQLITE_EXTENSION_INIT2(routines);
  (void)error;
  fts5_api *fts5 = 0;
  sqlite3_stmt *statement = 0;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, 0) != SQLITE_OK)
    return SQLITE_OK; /* a build without FTS5: nothing to add to */
  sqlite3_bind_pointer(statement, 1, (void *)&fts5, "fts5_api_ptr", 0);
  sqlite3_step(statement);
  sqlite3_finalize(statement);
  if (fts5 == 0 || fts5->iVersion < 2) return SQLITE_OK;
  return fts5->xCreateFunction(fts5, "search_relevance", 0, relevance, 0);
}
