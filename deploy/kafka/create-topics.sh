#!/usr/bin/env bash
# Creates Newsmon's Kafka topics with replication factor 3 and
# min.insync.replicas 2, before any Newsmon process starts. Newsmon declares
# the same topics itself, but with replication factor 1; it leaves topics
# that already exist alone. Idempotent (--if-not-exists).
#
# Runs in the apache/kafka image: as the kafka-init service of
# deploy/docker-compose.yml, and as an init container of the Kubernetes
# Deployments (a copy in deploy/kubernetes/kafka-topics.yaml, kept identical
# by tests/deploy/test_deploy_topics_script.py, which also runs it against a stub).
#
# Environment (the NEWSMON_* values must match the Newsmon configuration):
#   BOOTSTRAP            Kafka bootstrap servers (required)
#   NEWSMON_PREFIX       kafka.topic_prefix   (default newsmon)
#   NEWSMON_APP_ID       app_id               (default newsmon)
#   NEWSMON_PARTITIONS   kafka.partitions     (default 12)
#   REPLICATION_FACTOR   (default 3)
#   MIN_INSYNC_REPLICAS  (default 2)
#   KAFKA_TOPICS         kafka-topics.sh to run (default /opt/kafka/bin/kafka-topics.sh)
set -euo pipefail

: "${BOOTSTRAP:?set BOOTSTRAP to the Kafka bootstrap servers}"
prefix=${NEWSMON_PREFIX:-newsmon}
app_id=${NEWSMON_APP_ID:-newsmon}
partitions=${NEWSMON_PARTITIONS:-12}
replication=${REPLICATION_FACTOR:-3}
min_isr=${MIN_INSYNC_REPLICAS:-2}
kafka_topics=${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}

create() { # name partitions [extra kafka-topics.sh arguments...]
  local name=$1 count=$2
  shift 2
  "$kafka_topics" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$name" --partitions "$count" --replication-factor "$replication" \
    --config "min.insync.replicas=$min_isr" "$@"
}

# The pipeline's topics (streams/topics.py).
for topic in articles enriched matches developments delivered-marks; do
  create "$prefix-$topic" "$partitions"
done
# one outbox per destination, "$prefix-outbox-<destination>": the workers declare them
# from their webhooks list (same partitions and replication factor)
# dead letters: compacted, the latest record per "<development id>|<destination>"
create "$prefix-alerts-deadletter" "$partitions" --config cleanup.policy=compact
# silences: compacted, one partition, read whole by every process (streams/silences.py)
create "$prefix-silences" 1 --config cleanup.policy=compact
# records no stage could read, keyed "<topic>/<partition>/<offset>" (streams/rejects.py):
# compacted (a record forwarded twice is kept once) and deleted after the retention
create "$prefix-invalid-records" "$partitions" --config cleanup.policy=compact,delete
# articles Kafka refused as too large, cut to fit, keyed by article id
create "$prefix-articles-deadletter" "$partitions"

# Faust's table changelogs (compacted; co-partitioned with the topics) and
# its leader-election topic (streams/app.py: tables storyline-state, delivered).
for table in storyline-state delivered; do
  create "$app_id-$table-changelog" "$partitions" --config cleanup.policy=compact
done
create "$app_id-__assignor-__leader" 1

echo "Newsmon topics ready (prefix $prefix, app id $app_id, $partitions partitions, replication $replication)"
