/*
 * migrations.h: the schema migrations compiled into the binary from
 * sql/NNN_name.sql by sql/embed.sh. migrations[i].version is i + 1.
 */
#ifndef RV_MIGRATIONS_H
#define RV_MIGRATIONS_H

struct migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct migration migrations[];
extern const int migrations_count;

#endif
