/*
 * webget.c: GET with libcurl for the server clients: timeouts, retries
 * with backoff, cancellation, and errors that name the request.
 */
#include "src/webget.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "src/log.h"
#include "src/util.h"

#define MAX_BODY (256L * 1024 * 1024)   /* a hostile server cannot fill the memory */

struct webget {
	CURL *curl;
	char *base;                     /* no trailing slash, no query */
	char *label;
	char *secret_noun;
	struct curl_slist *headers;     /* may hold the secret: never logged, wiped at free */
	long connect_ms;
	long stall_ms;
	int retries;
	long backoff_ms;
	atomic_int *cancel;
	long requests;
	char errbuf[CURL_ERROR_SIZE];
};

struct body {
	char *data;
	size_t len;
	size_t cap;
	int too_big;
};

static pthread_once_t webget_once = PTHREAD_ONCE_INIT;

/* Process-wide set-up of libcurl, once, whichever thread comes first. */
static void
webget_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Append received bytes. */
static size_t
on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct body *b = arg;
	size_t n = size * nmemb;

	if (b->len + n + 1 > (size_t)MAX_BODY) {
		b->too_big = 1;
		return 0;
	}
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 65536;
		b->data = xreallocarray(b->data, 1, b->cap);
	}
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

/* Cancelled? */
int
webget_cancelled(const struct webget *w)
{
	return w->cancel != NULL && atomic_load(w->cancel);
}

/* Abort a transfer when the caller cancels. */
static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return webget_cancelled(arg) ? 1 : 0;
}

/* Sleep ms in small steps, returning early on cancel. */
static void
nap(struct webget *w, long ms)
{
	struct timespec ts = { 0, 50 * 1000000L };

	for (; ms > 0 && !webget_cancelled(w); ms -= 50)
		nanosleep(&ts, NULL);
}

/* Remember the server. */
struct webget *
webget_new(const struct webget_opts *o)
{
	struct webget *w = xcalloc(1, sizeof *w);
	const char *const *h;
	char *url, *q;
	size_t n;

	pthread_once(&webget_once, webget_init_once);
	if (o->secret != NULL && *o->secret != '\0')
		log_add_secret(o->secret);
	url = xstrdup(o->url != NULL ? o->url : "");
	if ((q = strchr(url, '?')) != NULL)
		*q = '\0';
	n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		url[--n] = '\0';
	w->base = url;
	w->label = xstrdup(o->label != NULL ? o->label : "server");
	w->secret_noun = xstrdup(o->secret_noun != NULL ? o->secret_noun : "token");
	w->connect_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 10000;
	w->stall_ms = o->stall_timeout_ms > 0 ? o->stall_timeout_ms : 30000;
	w->retries = o->retries >= 0 ? o->retries : 3;
	w->backoff_ms = o->backoff_ms > 0 ? o->backoff_ms : 500;
	w->cancel = o->cancel;
	for (h = o->headers; h != NULL && *h != NULL; h++)
		w->headers = curl_slist_append(w->headers, *h);

	w->curl = curl_easy_init();
	if (w->curl == NULL) {
		log_error("libcurl: cannot create a handle (out of memory)");
		abort();
	}
	curl_easy_setopt(w->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, w->headers);
	curl_easy_setopt(w->curl, CURLOPT_ERRORBUFFER, w->errbuf);
	curl_easy_setopt(w->curl, CURLOPT_CONNECTTIMEOUT_MS, w->connect_ms);
	/* A stall: less than one byte a second for the stall time. */
	curl_easy_setopt(w->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(w->curl, CURLOPT_LOW_SPEED_TIME, (w->stall_ms + 999) / 1000);
	curl_easy_setopt(w->curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(w->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(w->curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(w->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(w->curl, CURLOPT_XFERINFODATA, w);
	curl_easy_setopt(w->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(w->curl, CURLOPT_USERAGENT, "Retrovue/" PACKAGE_VERSION);
	curl_easy_setopt(w->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	return w;
}

/* Free. */
void
webget_free(struct webget **wp)
{
	struct webget *w;
	struct curl_slist *h;

	if (wp == NULL || (w = *wp) == NULL)
		return;
	if (w->curl != NULL)
		curl_easy_cleanup(w->curl);
	for (h = w->headers; h != NULL; h = h->next)
		explicit_bzero(h->data, strlen(h->data));
	curl_slist_free_all(w->headers);
	free(w->base);
	free(w->label);
	free(w->secret_noun);
	free(w);
	*wp = NULL;
}

/* Requests so far. */
long
webget_requests(const struct webget *w)
{
	return w != NULL ? w->requests : 0;
}

/* The base URL. */
const char *
webget_base(const struct webget *w)
{
	return w->base;
}

/* Worth trying again? */
static int
transient(CURLcode rc, long status)
{
	switch (rc) {
	case CURLE_OK:
		return status >= 500 || status == 429;
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_COULDNT_RESOLVE_HOST:
		return 1;
	default:
		return 0;
	}
}

/* The words for an HTTP status. */
static char *
status_text(const struct webget *w, long status)
{
	char *s;

	switch (status) {
	case 401:
		xasprintf(&s, "unauthorized: the server refused the %s", w->secret_noun);
		return s;
	case 403:
		xasprintf(&s, "forbidden: the %s has no access", w->secret_noun);
		return s;
	case 400: return xstrdup("bad request");
	case 404: return xstrdup("not found");
	case 429: return xstrdup("too many requests");
	case 500: return xstrdup("internal server error");
	case 502: return xstrdup("bad gateway");
	case 503: return xstrdup("service unavailable");
	case 504: return xstrdup("gateway timeout");
	default: return xstrdup("unexpected answer");
	}
}

/* One GET with retries. */
int
webget_get(struct webget *w, const char *path, char **out, size_t *len, long *statusp,
    char **cause)
{
	struct body b;
	CURLcode rc;
	char *url, *what, *words;
	long status = 0, delay = w->backoff_ms;
	int attempt, attempts = w->retries + 1;

	*out = NULL;
	*len = 0;
	if (statusp != NULL)
		*statusp = 0;
	xasprintf(&url, "%s%s%s", w->base, *path == '/' ? "" : "/", path);
	for (attempt = 1;; attempt++) {
		memset(&b, 0, sizeof b);
		w->errbuf[0] = '\0';
		status = 0;
		curl_easy_setopt(w->curl, CURLOPT_URL, url);
		curl_easy_setopt(w->curl, CURLOPT_WRITEDATA, &b);
		w->requests++;
		rc = curl_easy_perform(w->curl);
		curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
		if (statusp != NULL)
			*statusp = status;
		if (rc == CURLE_OK && status >= 200 && status < 300) {
			free(url);
			if (b.data == NULL)
				b.data = xstrdup("");
			*out = b.data;
			*len = b.len;
			return 0;
		}
		if (webget_cancelled(w) || rc == CURLE_ABORTED_BY_CALLBACK) {
			set_cause(cause, "GET %s: cancelled", path);
			goto fail;
		}
		if (b.too_big) {
			set_cause(cause, "GET %s: the answer is larger than %ld MB", path,
			    MAX_BODY / 1024 / 1024);
			goto fail;
		}
		if (rc == CURLE_OPERATION_TIMEDOUT)
			xasprintf(&what, "no answer from %s within %ld s (timed out)", w->base,
			    (w->stall_ms + 999) / 1000);
		else if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
			xasprintf(&what, "cannot connect to %s: %s", w->base,
			    w->errbuf[0] != '\0' ? w->errbuf : curl_easy_strerror(rc));
		else if (rc != CURLE_OK)
			xasprintf(&what, "%s (%s)", w->errbuf[0] != '\0' ? w->errbuf :
			    curl_easy_strerror(rc), w->base);
		else {
			words = status_text(w, status);
			xasprintf(&what, "HTTP %ld %s", status, words);
			free(words);
		}
		if (!transient(rc, status) || attempt >= attempts) {
			if (attempt > 1)
				set_cause(cause, "GET %s: %s (after %d attempts)", path, what, attempt);
			else
				set_cause(cause, "GET %s: %s", path, what);
			free(what);
			goto fail;
		}
		log_warn("%s GET %s: %s; retrying in %ld ms (attempt %d of %d)", w->label, path,
		    what, delay, attempt + 1, attempts);
		free(what);
		free(b.data);
		nap(w, delay);
		delay *= 2;
	}
fail:
	free(b.data);
	free(url);
	return -1;
}

/* URL-escape. */
char *
webget_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(strlen(s) * 3 + 1), *o = out;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			*o++ = (char)c;
		else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}
