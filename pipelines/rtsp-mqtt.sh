#!/usr/bin/env bash
# RTSP camera -> deltacnn -> track events (start / update / end, docs/events.md) to an MQTT
# broker, and the same events into a JSON lines file as a local record.
#   pipelines/rtsp-mqtt.sh rtsp://camera.local:554/stream1 cam1 [BROKER_HOST] [PORT] [out.jsonl]
#   MQTT_USER=nvr MQTT_PASSWORD=... MQTT_CAFILE=/etc/ssl/broker-ca.pem \
#     pipelines/rtsp-mqtt.sh rtsp://cam/stream cam1 broker.local 8883
# Watch: mosquitto_sub -h BROKER_HOST -t 'deltacnn/#' -v
# Expected: deltacnn/cam1/status "online" (retained) while it runs, "offline" after; one message
# per track event on deltacnn/cam1/events. A broker that is down is a warning: the pipeline
# keeps running and reconnects (events beyond max-queue are dropped and counted).
# The camera lost (closed, or silent for CAMERA_TIMEOUT_S=10 s) or not reachable: reconnects
# after RECONNECT_DELAY_S=5 s (RECONNECT_DELAY_S=0: exit instead); each run's events carry
# their own run_id. EVENTS' directory is created if missing; a PORT that is not a number, an
# EVENTS file that cannot be written or an unreadable MQTT_CAFILE is refused at start (exit 2).
# MQTT_PASSWORD is visible to other local users: gst-launch-1.0 takes element properties only on
# its command line, so the password is in its argv (ps, /proc/PID/cmdline) while it runs. Where
# that matters, run build/examples/deltacnn-cameras --write events --mqtt-host HOST --mqtt-user
# USER instead: it reads MQTT_PASSWORD from its environment.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
(( $# >= 2 && $# <= 5 )) ||
  usage_error "usage: $0 RTSP_URL CAMERA_ID [BROKER_HOST] [PORT] [EVENTS.jsonl]"
url="$1"
camera="$2"
host="${3:-localhost}"
port="${4:-1883}"
events="${5:-/dev/null}"
# What would fail every reconnect for ever (the element refuses it at start): refused here.
require_port PORT "$port"
if [ -n "${MQTT_PASSWORD:-}" ] && [ -z "${MQTT_USER:-}" ]; then
  usage_error "MQTT_PASSWORD needs MQTT_USER (the broker takes a password only with a user name)"
fi
[ -z "${MQTT_CAFILE:-}" ] || require_file MQTT_CAFILE "$MQTT_CAFILE"
check_deployment
require_append EVENTS "$events"
auth=()
[ -n "${MQTT_USER:-}" ] && auth+=(username="$MQTT_USER")
# (gst-launch-1.0 takes properties only on its command line: see the header)
[ -n "${MQTT_PASSWORD:-}" ] && auth+=(password="$MQTT_PASSWORD")
[ -n "${MQTT_CAFILE:-}" ] && auth+=(tls-ca-file="$MQTT_CAFILE")
src=()
rtsp_source src "$url"
run_camera -q -e "${src[@]}" ! \
  deltacnn config-file-path="$CONFIG" backend="$BACKEND" camera-id="$camera" ! \
  deltacnnjson write=events location="$events" append=true ! \
  deltacnnpublish host="$host" port="$port" camera-id="$camera" "${auth[@]}" ! \
  fakesink sync=false
