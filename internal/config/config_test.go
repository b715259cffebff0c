package config

import (
	"strings"
	"testing"
	"time"
)

func TestLoadDefaults(t *testing.T) {
	cfg, err := Load(map[string]string{})
	if err != nil {
		t.Fatalf("defaults should be valid: %v", err)
	}
	if cfg.HTTPAddr != ":8080" || cfg.Env != Development || cfg.DatabaseName != "sodoan" ||
		!cfg.AutoMigrate || cfg.ShutdownGrace != 25*time.Second || cfg.LocalClusterDir != ".pgdata" {
		t.Errorf("unexpected defaults: %+v", cfg)
	}
}

func TestLoadReadsVariables(t *testing.T) {
	cfg, err := Load(map[string]string{
		"APP_ENV":         "production",
		"HTTP_ADDR":       "127.0.0.1:9000",
		"DATABASE_URL":    "postgres://u@db:5432/x",
		"DB_MAX_CONNS":    "40",
		"SHUTDOWN_GRACE":  "5s",
		"AUTO_MIGRATE":    "false",
		"LOG_FORMAT":      "console",
		"LOG_LEVEL":       "debug",
		"DB_WAIT_TIMEOUT": "1m",
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Env != Production || cfg.HTTPAddr != "127.0.0.1:9000" || cfg.DBMaxConns != 40 ||
		cfg.ShutdownGrace != 5*time.Second || cfg.AutoMigrate || cfg.LogFormat != "console" ||
		cfg.DBWaitTimeout != time.Minute || cfg.DatabaseURL != "postgres://u@db:5432/x" {
		t.Errorf("variables not applied: %+v", cfg)
	}
}

func TestDemoLoadsOnlyInDevelopment(t *testing.T) {
	tests := []struct {
		env, demo string
		want      bool
	}{
		{"development", "", true},
		{"development", "off", false},
		{"production", "", false},
		{"production", "auto", false},
	}
	for _, tt := range tests {
		vars := map[string]string{"APP_ENV": tt.env}
		if tt.demo != "" {
			vars["DEMO_DATA"] = tt.demo
		}
		cfg, err := Load(vars)
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.LoadDemo(); got != tt.want {
			t.Errorf("APP_ENV=%s DEMO_DATA=%q: LoadDemo() = %v, want %v", tt.env, tt.demo, got, tt.want)
		}
	}
}

// Each bad value is reported with the variable's name, so an operator knows
// what to fix.
func TestLoadNamesTheBadVariable(t *testing.T) {
	tests := []struct {
		name, value, want string
	}{
		{"APP_ENV", "staging", `must be "development" or "production"`},
		{"HTTP_ADDR", "8080", "must be host:port"},
		{"HTTP_READ_TIMEOUT", "soon", "cannot read a duration"},
		{"SHUTDOWN_GRACE", "-1s", "must be a positive duration"},
		{"DATABASE_URL", "mysql://x", "must start with postgres://"},
		{"DATABASE_NAME", "Sổ Đoàn", "lower-case letters"},
		{"DB_MAX_CONNS", "many", "cannot read a whole number"},
		{"DB_MAX_CONNS", "1", "between 2 and 1000"},
		{"AUTO_MIGRATE", "maybe", "cannot read a boolean"},
		{"LOG_LEVEL", "loud", "must be one of"},
		{"LOG_FORMAT", "xml", "must be json or console"},
		{"DEMO_DATA", "yes", "must be auto or off"},
		{"GRAPHQL_MAX_DEPTH", "0", "must be a positive whole number"},
		{"SESSION_IDLE_TIMEOUT", "24h", "must not be longer than SESSION_MAX_AGE"},
		{"REQUEST_TIMEOUT", "2m", "must be shorter than HTTP_WRITE_TIMEOUT"},
		{"DB_STATEMENT_TIMEOUT", "0s", "must be a positive duration"},
		{"TRUSTED_PROXIES", "10.0.0.0/8,proxy", "comma-separated list of CIDRs"},
		{"GRAPHQL_INTROSPECTION", "sometimes", "cannot read a boolean"},
		{"RATE_LIMIT_POINTS", "-5", "must be a positive whole number"},
		{"METRICS_ADDR", "9090", "must be host:port"},
		{"METRICS_ADDR", ":8080", "must differ from HTTP_ADDR"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318", "must be an http:// or https:// URL"},
		{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "grpc://collector", "must be an http:// or https:// URL"},
		{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "only http/protobuf is supported"},
		{"CORS_ALLOWED_ORIGINS", "https://dash.example.org,dash.example.org", "comma-separated list of origins"},
		{"CORS_ALLOWED_ORIGINS", "https://dash.example.org/app", "no path"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			_, err := Load(map[string]string{tt.name: tt.value})
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), tt.name+": ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q should name %s and say %q", err, tt.name, tt.want)
			}
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	_, err := Load(map[string]string{"HTTP_ADDR": "x", "LOG_LEVEL": "x"})
	if err == nil || !strings.Contains(err.Error(), "HTTP_ADDR") || !strings.Contains(err.Error(), "LOG_LEVEL") {
		t.Errorf("want both variables named, got %v", err)
	}
}

// fromEnv is a case of what a Config loaded from vars derives.
type fromEnv[T comparable] struct {
	vars map[string]string
	want T
}

// checkDerived loads each case's vars and checks that get, which name
// describes, gives what the case wants.
func checkDerived[T comparable](t *testing.T, name string, get func(Config) T, cases []fromEnv[T]) {
	t.Helper()
	for _, tt := range cases {
		cfg, err := Load(tt.vars)
		if err != nil {
			t.Fatal(err)
		}
		if got := get(cfg); got != tt.want {
			t.Errorf("%v: %s = %#v, want %#v", tt.vars, name, got, tt.want)
		}
	}
}

// Introspection and suggestions follow APP_ENV unless set explicitly.
func TestSchemaDisclosureFollowsEnvironment(t *testing.T) {
	type disclosure struct{ introspect, suggest bool }
	checkDerived(t, "introspection, suggestions", func(cfg Config) disclosure {
		return disclosure{cfg.IntrospectionOn(), cfg.SuggestionsOn()}
	}, []fromEnv[disclosure]{
		{map[string]string{}, disclosure{true, true}},
		{map[string]string{"APP_ENV": "production"}, disclosure{false, false}},
		{map[string]string{"APP_ENV": "production", "GRAPHQL_INTROSPECTION": "true"}, disclosure{true, false}},
		{map[string]string{"GRAPHQL_SUGGESTIONS": "false"}, disclosure{true, false}},
	})
}

// Tracing is off unless an endpoint is set; the traces endpoint is used as
// given, the general one gets the traces path, and OTEL_SDK_DISABLED wins.
func TestOTLPTracesURL(t *testing.T) {
	checkDerived(t, "OTLPTracesURL()", Config.OTLPTracesURL, []fromEnv[string]{
		{map[string]string{}, ""},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, "http://collector:4318/v1/traces"},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://otel.example/base/"}, "https://otel.example/base/v1/traces"},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://b:4318/traces"}, "http://b:4318/traces"},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:4318", "OTEL_SDK_DISABLED": "true"}, ""},
	})
}

// Browser pages on this machine may call a development server; production
// allows only the origins it names.
func TestCORSOriginsFollowEnvironment(t *testing.T) {
	checkDerived(t, "CORSOrigins()", func(cfg Config) string { return strings.Join(cfg.CORSOrigins(), ",") }, []fromEnv[string]{
		{map[string]string{}, "http://localhost:*,http://127.0.0.1:*"},
		{map[string]string{"APP_ENV": "production"}, ""},
		{map[string]string{"APP_ENV": "production", "CORS_ALLOWED_ORIGINS": "https://dash.example.org,https://*.doan.vn"}, "https://dash.example.org,https://*.doan.vn"},
		{map[string]string{"CORS_ALLOWED_ORIGINS": "https://dash.example.org"}, "https://dash.example.org"},
	})
}

// Logs are readable lines for a person at a terminal in development, JSON
// for everyone else, and LOG_FORMAT overrides both ways.
func TestConsoleLogs(t *testing.T) {
	for _, tt := range []struct {
		env, format string
		terminal    bool
		want        bool
	}{
		{"development", "", true, true},
		{"development", "", false, false},
		{"production", "", true, false},
		{"production", "", false, false},
		{"development", "json", true, false},
		{"production", "console", false, true},
		{"development", "console", false, true},
	} {
		environ := map[string]string{"APP_ENV": tt.env}
		if tt.format != "" {
			environ["LOG_FORMAT"] = tt.format
		}
		if tt.env == "production" {
			environ["DATABASE_URL"] = "postgres://u@db:5432/x"
		}
		cfg, err := Load(environ)
		if err != nil {
			t.Fatalf("%v: %v", environ, err)
		}
		if got := cfg.ConsoleLogs(tt.terminal); got != tt.want {
			t.Errorf("APP_ENV=%s LOG_FORMAT=%q terminal=%v: console %v, want %v", tt.env, tt.format, tt.terminal, got, tt.want)
		}
	}
}
