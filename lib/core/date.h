/* date.h: the calendar dates promgate reads (baseline expiry, --today). */
#ifndef PG_DATE_H
#define PG_DATE_H

/* 1 if s is a real calendar date written YYYY-MM-DD (ISO 8601): four-digit
 * year, a month 01-12, a day that exists in that month (2024-02-29 yes,
 * 2026-02-29 and 2026-04-31 no). Strings compare as the dates do. */
int pg_date_valid(const char *s);

#endif
