# golden-others.mk: goldens of other projects' metrics docs, read from
# $(PG_SHARED)/otherdocs (one folder per project, INDEX.tsv) into
# $(GOLDEN_OUT)/others/ by `make golden`; tests/20-golden-docs-others.t
# checks that the committed files equal a regeneration.
#
# One entry per golden: NAME=INPUT[,PROFILE], INPUT under otherdocs (a
# file or a folder), PROFILE under golden/others/profiles/. Not listed:
# node-exporter and mysqld-exporter, whose READMEs list collectors and
# flags but no metrics (`promgate golden` says so and lists their tables).
GOLDEN_OTHERDOCS = $(PG_SHARED)/otherdocs
GOLDEN_OTHERS := \
  argo-cd=argo-cd/metrics.md \
  caddy=caddy/metrics.md \
  caddy-2022-10-10=caddy/metrics.2022-10-10.md \
  cert-manager=cert-manager/prometheus-metrics.md \
  coredns=coredns \
  elasticsearch-exporter=elasticsearch-exporter/metrics.md \
  elasticsearch-exporter-v1.5.0=elasticsearch-exporter/README.v1.5.0.md \
  etcd-v3.4=etcd/v3.4_metrics_index.md \
  etcd-v3.6=etcd/v3.6_metrics_index.md \
  gitlab=gitlab/gitlab_metrics.md \
  hacluster-exporter=hacluster-exporter/metrics.md \
  istio=istio/metrics-index.md \
  kube-state-metrics=kube-state-metrics \
  nginx-exporter=nginx-exporter/README.md,nginx-exporter.json \
  nginx-exporter-v0.11.0=nginx-exporter/README.v0.11.0.md,nginx-exporter.json \
  rabbitmq=rabbitmq/metrics.md \
  rabbitmq-v3.10.8=rabbitmq/metrics.v3.10.8.md \
  tekton=tekton/metrics.md \
  traefik=traefik/metrics.md

golden-others: bin/promgate
	@mkdir -p $(GOLDEN_OUT)/others
	@set -e; for e in $(GOLDEN_OTHERS); do \
	  name=$${e%%=*}; rest=$${e#*=}; in=$${rest%%,*}; prof=; \
	  case $$rest in *,*) prof="--profile golden/others/profiles/$${rest#*,}";; esac; \
	  bin/promgate golden --no-lint --from-docs $(GOLDEN_OTHERDOCS)/$$in $$prof \
	    -o $(GOLDEN_OUT)/others/$$name.json 2>/dev/null; \
	done

.PHONY: golden-others
