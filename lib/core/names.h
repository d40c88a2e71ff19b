/* names.h: the Prometheus data model's name rules, shared by the golden
 * loader, the docs readers and the overlay. */
#ifndef PG_NAMES_H
#define PG_NAMES_H

#include <stddef.h>

/* 1 if s[0..len) is a metric name: [a-zA-Z_:][a-zA-Z0-9_:]*. ASCII only,
 * whatever the C locale says is a letter. */
int pg_metric_name_valid(const char *s, size_t len);
/* 1 if s[0..len) is a label name: [a-zA-Z_][a-zA-Z0-9_]*. */
int pg_label_name_valid(const char *s, size_t len);

#endif
