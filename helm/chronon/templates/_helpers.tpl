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
{{- end -}}
{{- end -}}
