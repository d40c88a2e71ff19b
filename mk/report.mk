# Reports: the test driver that renders pg_report_run fixtures.
bin/pg-report-render: build/tests/report_render.o build/libpromgate.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< build/libpromgate.a $(LDLIBS)

-include build/tests/report_render.d

TEST_PROGS += bin/pg-report-render
