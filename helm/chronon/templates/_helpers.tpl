{{/* The name of every object: the release name, with "-chronon" unless it already says chronon. */}}
{{- define "chronon.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The headless Service that gives each pod its DNS name (and the peers their addresses). */}}
{{- define "chronon.headless" -}}
{{- printf "%s-headless" (include "chronon.fullname" .) -}}
{{- end -}}

{{/* The Secret with the cluster secret and the admin token. */}}
{{- define "chronon.secretName" -}}
{{- default (include "chronon.fullname" .) .Values.secret.existingSecret -}}
{{- end -}}

{{/* Selects the pods: never changes between releases (no version in it). */}}
{{- define "chronon.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "chronon.labels" -}}
{{ include "chronon.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: chronon
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/*
The JVM options of the image's JAVA_OPTS_APPEND (app/src/main/docker/Dockerfile.jvm; a Jib-built
image sets only the logging manager). The StatefulSet's JAVA_OPTS_APPEND replaces the image's, so
it repeats them, then adds javaOptions. HelmChartTest checks them against the Dockerfile.
*/}}
{{- define "chronon.imageJavaOptions" -}}
-XX:MaxRAMPercentage=75 -Djava.util.logging.manager=org.jboss.logmanager.LogManager
{{- end -}}

{{/* Stops the render on values that cannot work, naming the value to change. */}}
{{- define "chronon.validate" -}}
{{- $replicas := int .Values.replicaCount -}}
{{- if not (has $replicas (list 1 3 5 7)) -}}
{{- fail (printf "replicaCount=%v: a Chronon cluster has 1, 3, 5 or 7 replicas (an odd number, so that a majority exists); set replicaCount to one of them" .Values.replicaCount) -}}
{{- end -}}
{{- range $kind, $sink := .Values.effects -}}
{{- if and (eq $sink "postgresql") (not $.Values.postgresql.url) -}}
{{- fail (printf "effects.%s=postgresql needs postgresql.url (e.g. postgresql://db:5432/bank)" $kind) -}}
{{- end -}}
{{- if and (eq $sink "kafka") (not $.Values.kafka.bootstrapServers) -}}
{{- fail (printf "effects.%s=kafka needs kafka.bootstrapServers (e.g. kafka:9092)" $kind) -}}
{{- end -}}
{{- if and (eq $sink "transfers-rabbitmq") (not $.Values.rabbitmq.host) -}}
{{- fail (printf "effects.%s=transfers-rabbitmq needs rabbitmq.host" $kind) -}}
{{- end -}}
{{- if and (eq $sink "transfers-nats") (not $.Values.nats.servers) -}}
{{- fail (printf "effects.%s=transfers-nats needs nats.servers (e.g. nats://nats:4222)" $kind) -}}
{{- end -}}
{{- if and (eq $sink "transfers-mqtt") (not $.Values.mqtt.host) -}}
{{- fail (printf "effects.%s=transfers-mqtt needs mqtt.host" $kind) -}}
{{- end -}}
{{- if and (eq $sink "transfers-amqp") (not $.Values.amqp.host) -}}
{{- fail (printf "effects.%s=transfers-amqp needs amqp.host" $kind) -}}
{{- end -}}
{{- end -}}
{{- $budget := int .Values.podDisruptionBudget.maxUnavailable -}}
{{- $minority := div (sub $replicas 1) 2 | int -}}
{{- if and (eq $replicas 1) (gt $budget 1) -}}
{{- fail (printf "podDisruptionBudget.maxUnavailable=%v: replicaCount=1 has a single replica; set podDisruptionBudget.maxUnavailable to 1" .Values.podDisruptionBudget.maxUnavailable) -}}
{{- end -}}
{{- if and (gt $replicas 1) (gt $budget $minority) -}}
{{- fail (printf "podDisruptionBudget.maxUnavailable=%v: with replicaCount=%d at most a minority, %d, may be down at once, so that a majority (%d of %d) keeps committing; set podDisruptionBudget.maxUnavailable to at most %d" .Values.podDisruptionBudget.maxUnavailable $replicas $minority (add $minority 1 | int) $replicas $minority) -}}
{{- end -}}
{{- end -}}
