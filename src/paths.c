/*
 * paths.c: resolve the data directory and database path.
 */
#include "src/paths.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "src/util.h"

/* $HOME, or "." if unset. */
static const char *
home_dir(void)
{
	const char *h = getenv("HOME");

	return h != NULL && *h != '\0' ? h : ".";
}

/* Resolve data_dir and db_path. */
int
paths_resolve(struct paths *p, const char *data_dir, const char *db_path, char **cause)
{
	const char *xdg;
	char *copy;

	memset(p, 0, sizeof *p);
	if (db_path != NULL && *db_path == '\0') {
		set_cause(cause, "empty database path");
		return -1;
	}
	if (data_dir != NULL)
		p->data_dir = xstrdup(data_dir);
	else if (db_path != NULL) {
		copy = xstrdup(db_path);
		p->data_dir = xstrdup(dirname(copy));
		free(copy);
	} else if ((xdg = getenv("XDG_DATA_HOME")) != NULL && *xdg != '\0')
		xasprintf(&p->data_dir, "%s/retrovue", xdg);
	else
		xasprintf(&p->data_dir, "%s/.local/share/retrovue", home_dir());

	if (db_path != NULL)
		p->db_path = xstrdup(db_path);
	else
		xasprintf(&p->db_path, "%s/retrovue.db", p->data_dir);
	return 0;
}

/* mkdir -p the data directory and the database's folder, 0700. */
int
paths_make_data_dir(const struct paths *p, char **cause)
{
	char *copy, *dir;
	int rc;

	if (mkdir_p(p->data_dir, 0700) != 0) {
		set_cause(cause, "cannot create data directory %s: %s", p->data_dir,
		    strerror(errno));
		return -1;
	}
	copy = xstrdup(p->db_path);
	dir = dirname(copy);
	if ((rc = mkdir_p(dir, 0700)) != 0)
		set_cause(cause, "cannot create %s: %s", dir, strerror(errno));
	free(copy);
	return rc == 0 ? paths_check(p, cause) : rc;
}

/* One folder: not writable by group or others. */
static int
check_private(const char *dir, const char *what, char **cause)
{
	struct stat sb;

	if (stat(dir, &sb) != 0)
		return 0;
	if (S_ISDIR(sb.st_mode) && (sb.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		set_cause(cause, "%s %s can be written by other users (mode %04o): anyone could "
		    "replace the database, its lock files or the control socket; refused. Use a "
		    "folder of your own, or: chmod go-w %s", what, dir,
		    (unsigned)(sb.st_mode & 07777), dir);
		return -1;
	}
	return 0;
}

/* The data directory and the database's folder. */
int
paths_check(const struct paths *p, char **cause)
{
	char *copy = xstrdup(p->db_path);
	int rc;

	rc = check_private(p->data_dir, "the data directory", cause);
	if (rc == 0 && strcmp(dirname(copy), p->data_dir) != 0) {
		free(copy);
		copy = xstrdup(p->db_path);
		rc = check_private(dirname(copy), "the database's folder", cause);
	}
	free(copy);
	return rc;
}

/* data_dir/name. */
char *
paths_join(const struct paths *p, const char *name)
{
	char *s;

	xasprintf(&s, "%s/%s", p->data_dir, name);
	return s;
}

/* Free the strings. */
void
paths_free(struct paths *p)
{
	freep(&p->data_dir);
	freep(&p->db_path);
}
