/*
 * db.h: opening Retrovue's SQLite database safely and running its
 * migrations. Every connection gets WAL, foreign keys and a busy timeout;
 * a file that is not ours, is corrupt, or was written by a newer Retrovue is
 * refused before anything is written to it.
 */
#ifndef RV_DB_H
#define RV_DB_H

#include <stdint.h>

#include <sqlite3.h>

#define DB_APPLICATION_ID 0x52745675    /* "RtVu" */

#define DB_CREATE   0x1     /* create the file (0600) if it is missing */
#define DB_VERIFY   0x2     /* run PRAGMA quick_check before using it */
#define DB_READONLY 0x4     /* never write; refuses a file that needs migrating */
/*
 * Another connection of this process already opened (and so checked) the
 * file: skip the look at its first bytes, whose close() would drop the
 * POSIX locks SQLite holds for the other connections (and let another
 * process write under them). Every connection after a process's first.
 */
#define DB_OPENED   0x8

/* Open path, migrating it to the latest schema. 0, or -1 with *cause. */
int db_open(const char *path, int flags, sqlite3 **out, char **cause);
/* Same, migrating only up to version upto (tests build old databases). */
int db_open_upto(const char *path, int flags, int upto, sqlite3 **out, char **cause);
/* Close *db (accepts NULL) and set it to NULL. */
void db_close(sqlite3 **db);

/* The schema version this build knows. */
int db_latest_version(void);
/* PRAGMA user_version of an open database. */
int db_schema_version(sqlite3 *db);

/* Run SQL with no results. 0, or -1 with *cause (may be NULL: logged). */
int db_exec(sqlite3 *db, const char *sql, char **cause);
/* Transactions: BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int db_begin(sqlite3 *db, char **cause);
int db_commit(sqlite3 *db, char **cause);
void db_rollback(sqlite3 *db);
/* Prepare a statement, or NULL with *cause set. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql, char **cause);
/* First column of the first row as an integer, or dflt. */
int64_t db_scalar(sqlite3 *db, const char *sql, int64_t dflt);
/* Column text, or "" for NULL. */
const char *db_text(sqlite3_stmt *st, int col);

/*
 * PRAGMA integrity_check and foreign_key_check. Returns the number of
 * problems found (0: healthy) and a report of them in *report.
 */
int db_check(sqlite3 *db, char **report);

#endif
