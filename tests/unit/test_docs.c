/*
 * test_docs.c: the guide documents and health checks made off the HTTP
 * threads: the client's base URL put in at read time, a document kept
 * until the database changes or it is too old, waiters woken by the
 * builder, or by the watchdog (with the older document) when the builder
 * is stuck, the health check seeing a replaced file, and waiters woken on
 * close. Waits here are hang detectors (generous), never timings.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/docs.h"
#include "src/db.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

struct probe {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int suspended, woken;
};

/* What the fake builder does. */
struct builder {
	int builds;                     /* atomic */
	int slow_ms;                    /* atomic: sleep this long in the next builds */
	int fail;                       /* atomic */
};

static char dbpath[4200];

static void
on_suspend(void *arg)
{
	struct probe *p = arg;

	pthread_mutex_lock(&p->lock);
	p->suspended++;
	pthread_mutex_unlock(&p->lock);
}

static void
on_wake(void *arg)
{
	struct probe *p = arg;

	pthread_mutex_lock(&p->lock);
	p->woken++;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* Wait (at most 20 s: a hang detector) until the probe was woken n times. */
static int
wait_woken(struct probe *p, int n)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 20;
	pthread_mutex_lock(&p->lock);
	while (p->woken < n)
		if (pthread_cond_timedwait(&p->cond, &p->lock, &ts) != 0)
			break;
	n = p->woken >= n;
	pthread_mutex_unlock(&p->lock);
	return n;
}

/* The fake guide: two links to the base URL and the build count. */
static int
build(void *arg, sqlite3 *db, int64_t now, const char *base, char **out, size_t *len,
    char **cause)
{
	struct builder *b = arg;
	int n = __atomic_add_fetch(&b->builds, 1, __ATOMIC_SEQ_CST);
	int slow = __atomic_load_n(&b->slow_ms, __ATOMIC_SEQ_CST);

	if (slow > 0)
		usleep((useconds_t)slow * 1000);
	if (__atomic_load_n(&b->fail, __ATOMIC_SEQ_CST)) {
		set_cause(cause, "the fake guide fails");
		return -1;
	}
	*len = (size_t)xasprintf(out, "#%d %s/a.ts\n<x href=\"%s/logo.png\"/>\n", n, base, base);
	return 0;
}

/* A fresh database and a docs over it. */
static struct docs *
setup(struct builder *b, int64_t max_age_ms, int wait_ms)
{
	struct docs_opts o;
	struct docs *dc;
	sqlite3 *db = NULL;
	char *cause = NULL;

	snprintf(dbpath, sizeof dbpath, "%s/rv.db", check_tmpdir());
	ck_assert_int_eq(db_open(dbpath, DB_CREATE, &db, &cause), 0);
	db_close(&db);
	memset(&o, 0, sizeof o);
	o.db_path = dbpath;
	o.src[DOCS_XMLTV] = (struct docs_source){ build, b, max_age_ms };
	o.wait_ms = wait_ms;
	o.health_wait_ms = wait_ms;
	dc = docs_new(&o, &cause);
	ck_assert_msg(dc != NULL, "%s", cause);
	return dc;
}

/* A write from another connection (another process would do the same). */
static void
touch_db(void)
{
	sqlite3 *db = NULL;
	char *cause = NULL;

	ck_assert_int_eq(db_open(dbpath, 0, &db, &cause), 0);
	ck_assert_int_eq(db_exec(db, "INSERT OR REPLACE INTO system_config (key, value) "
	    "VALUES ('test.touch', strftime('%f', 'now'))", NULL), 0);
	db_close(&db);
}

/* Ask for the guide as a request would: wait when told to, then ask again. */
static enum docs_result
get(struct docs *dc, struct docs_doc **doc, char *why, size_t len)
{
	struct probe p = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
	struct docs_waiter w;
	enum docs_result r;
	int n;

	memset(&w, 0, sizeof w);
	w.suspend = on_suspend;
	w.wake = on_wake;
	w.arg = &p;
	while ((r = docs_get(dc, DOCS_XMLTV, &w, doc, why, len)) == DOCS_WAIT) {
		pthread_mutex_lock(&p.lock);
		n = p.suspended;
		pthread_mutex_unlock(&p.lock);
		ck_assert_int_gt(n, 0);         /* suspended before it said wait */
		ck_assert_msg(wait_woken(&p, n), "the waiter was never woken");
	}
	return r;
}

/* The whole document for base, read n bytes at a time. */
static char *
render(struct docs_doc *doc, const char *base, size_t n)
{
	size_t blen = strlen(base), size = (size_t)docs_doc_size(doc, blen), got = 0, k;
	char *out = xcalloc(1, size + 1);

	while (got < size) {
		k = docs_doc_read(doc, base, blen, got, out + got, n < size - got ? n : size - got);
		ck_assert_uint_gt(k, 0);
		got += k;
	}
	ck_assert_uint_eq(docs_doc_read(doc, base, blen, size, out, 8), 0);
	return out;
}

START_TEST(base_url_put_in_at_read_time)
{
	struct builder b = { 0, 0, 0 };
	struct docs *dc = setup(&b, 0, 5000);
	struct docs_doc *doc = NULL;
	char why[256], *text;
	size_t n;

	ck_assert_int_eq(get(dc, &doc, why, sizeof why), DOCS_OK);
	for (n = 1; n < 9; n++) {
		text = render(doc, "http://tv.local:8080", n);
		ck_assert_str_eq(text, "#1 http://tv.local:8080/a.ts\n"
		    "<x href=\"http://tv.local:8080/logo.png\"/>\n");
		free(text);
	}
	text = render(doc, "http://[::1]:1", 4096);
	ck_assert_str_eq(text, "#1 http://[::1]:1/a.ts\n<x href=\"http://[::1]:1/logo.png\"/>\n");
	free(text);
	docs_doc_unref(&doc);
	ck_assert_ptr_null(doc);
	docs_free(&dc);
	ck_assert_ptr_null(dc);
}
END_TEST

START_TEST(kept_until_the_database_changes)
{
	struct builder b = { 0, 0, 0 };
	struct docs *dc = setup(&b, 0, 5000);
	struct docs_doc *doc = NULL;
	char why[256];
	int i;

	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(get(dc, &doc, why, sizeof why), DOCS_OK);
		docs_doc_unref(&doc);
	}
	ck_assert_int_eq(b.builds, 1);
	touch_db();
	ck_assert_int_eq(get(dc, &doc, why, sizeof why), DOCS_OK);
	ck_assert_int_eq(b.builds, 2);          /* at once: the request saw the write */
	docs_doc_unref(&doc);
	ck_assert_int_eq(get(dc, &doc, why, sizeof why), DOCS_OK);
	ck_assert_int_eq(b.builds, 2);
	docs_doc_unref(&doc);
	docs_free(&dc);
}
END_TEST

START_TEST(made_again_as_time_passes)
{
	struct builder b = { 0, 0, 0 };
	struct docs *dc = setup(&b, 100, 5000);
	struct docs_doc *doc = NULL;
	char why[256];

	ck_assert_int_eq(get(dc, &doc, why, sizeof why), DOCS_OK);
	docs_doc_unref(&doc);
	usleep(150 * 1000);                     /* older than its 100 ms */
	ck_assert_int_eq(get(dc, &doc, why, sizeof why), DOCS_OK);
	ck_assert_int_eq(b.builds, 2);
	docs_doc_unref(&doc);
	docs_free(&dc);
}
END_TEST

START_TEST(a_stuck_builder_gives_the_older_document)
{
	struct builder b = { 0, 0, 0 };
	struct docs *dc = setup(&b, 0, 200);
	struct docs_doc *doc = NULL;
	char why[256], *text;

	ck_assert_int_eq(get(dc, &doc, why, sizeof why), DOCS_OK);
	docs_doc_unref(&doc);
	__atomic_store_n(&b.slow_ms, 1500, __ATOMIC_SEQ_CST);
	touch_db();
	/* The watchdog wakes the request after 200 ms: the first document. */
	ck_assert_int_eq(get(dc, &doc, why, sizeof why), DOCS_OK);
	text = render(doc, "http://x", 64);
	ck_assert_msg(strncmp(text, "#1 ", 3) == 0, "%s", text);
	free(text);
	docs_doc_unref(&doc);
	/* Still building: the next one does not even wait. */
	ck_assert_int_eq(get(dc, &doc, why, sizeof why), DOCS_OK);
	docs_doc_unref(&doc);
	docs_free(&dc);
}
END_TEST

START_TEST(nothing_built_yet_is_said)
{
	struct builder b = { 0, 1000, 0 };
	struct docs *dc = setup(&b, 0, 200);
	struct docs_doc *doc = NULL;
	char why[256];

	ck_assert_int_eq(get(dc, &doc, why, sizeof why), DOCS_NONE);
	ck_assert_ptr_null(doc);
	ck_assert_msg(strstr(why, "has not answered") != NULL, "%s", why);
	docs_free(&dc);
}
END_TEST

START_TEST(a_failed_build_is_said_or_the_older_kept)
{
	struct builder b = { 0, 0, 1 };
	struct docs *dc = setup(&b, 0, 5000);
	struct docs_doc *doc = NULL;
	char why[256];

	ck_assert_int_eq(get(dc, &doc, why, sizeof why), DOCS_NONE);
	ck_assert_str_eq(why, "the fake guide fails");
	__atomic_store_n(&b.fail, 0, __ATOMIC_SEQ_CST);
	ck_assert_int_eq(get(dc, &doc, why, sizeof why), DOCS_OK);
	docs_doc_unref(&doc);
	__atomic_store_n(&b.fail, 1, __ATOMIC_SEQ_CST);
	touch_db();
	ck_assert_int_eq(get(dc, &doc, why, sizeof why), DOCS_OK);     /* the last good one */
	docs_doc_unref(&doc);
	docs_free(&dc);
}
END_TEST

START_TEST(health_sees_a_replaced_file)
{
	struct builder b = { 0, 0, 0 };
	struct docs *dc = setup(&b, 0, 5000);
	struct probe p = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
	struct docs_waiter w;
	char why[256], moved[4300];
	FILE *f;
	int i;

	snprintf(moved, sizeof moved, "%s.moved", dbpath);
	for (i = 0; i < 2; i++) {
		memset(&w, 0, sizeof w);
		w.suspend = on_suspend;
		w.wake = on_wake;
		w.arg = &p;
		ck_assert_int_eq(docs_health(dc, &w, why, sizeof why), DOCS_WAIT);
		ck_assert(wait_woken(&p, i + 1));
		if (i == 0) {
			ck_assert_int_eq(docs_health(dc, &w, why, sizeof why), DOCS_OK);
			ck_assert_int_eq(rename(dbpath, moved), 0);
			f = fopen(dbpath, "w");
			fputs("this is not a database", f);
			fclose(f);
		} else {
			ck_assert_int_eq(docs_health(dc, &w, why, sizeof why), DOCS_NONE);
			ck_assert_msg(strstr(why, "the database cannot be opened") != NULL, "%s", why);
		}
	}
	docs_free(&dc);
}
END_TEST

START_TEST(close_wakes_the_waiters)
{
	struct builder b = { 0, 2000, 0 };
	struct docs *dc = setup(&b, 0, 10000);
	struct probe p = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
	struct docs_waiter w;
	struct docs_doc *doc = NULL;
	char why[256];

	memset(&w, 0, sizeof w);
	w.suspend = on_suspend;
	w.wake = on_wake;
	w.arg = &p;
	ck_assert_int_eq(docs_get(dc, DOCS_XMLTV, &w, &doc, why, sizeof why), DOCS_WAIT);
	docs_close(dc);
	ck_assert(wait_woken(&p, 1));
	ck_assert_int_eq(docs_get(dc, DOCS_XMLTV, &w, &doc, why, sizeof why), DOCS_NONE);
	ck_assert_str_eq(why, "shutting down");
	ck_assert_int_eq(docs_get(dc, DOCS_M3U, &w, &doc, why, sizeof why), DOCS_NONE);
	docs_free(&dc);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("docs");
	TCase *tc = tcase_create("docs");

	tcase_add_test(tc, base_url_put_in_at_read_time);
	tcase_add_test(tc, kept_until_the_database_changes);
	tcase_add_test(tc, made_again_as_time_passes);
	tcase_add_test(tc, a_stuck_builder_gives_the_older_document);
	tcase_add_test(tc, nothing_built_yet_is_said);
	tcase_add_test(tc, a_failed_build_is_said_or_the_older_kept);
	tcase_add_test(tc, health_sees_a_replaced_file);
	tcase_add_test(tc, close_wakes_the_waiters);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
