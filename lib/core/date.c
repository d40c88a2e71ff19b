/* date.c: calendar dates (see date.h). */
#include "core/date.h"

#include <string.h>

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

static int days_in_month(int year, int month)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

int pg_date_valid(const char *s)
{
    int year, month, day;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        !digits(s, 4, &year) || !digits(s + 5, 2, &month) ||
        !digits(s + 8, 2, &day))
        return 0;
    return month >= 1 && month <= 12 && day >= 1 &&
           day <= days_in_month(year, month);
}
