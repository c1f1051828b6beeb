# Sourced by the daemon benchmarks: the one configuration they share, so that their figures describe
# the same daemon (cli, web and mobile on; add tables after it for more channels).

# daemon_config BASE_URL -> the TOML on stdout
daemon_config() {
    cat <<TOML
[agent]
provider = "openai"
model = "bench"
base_url = "$1"
api_key = "sk-bench"
approval = "auto"

[channels.cli]
enabled = true

[channels.web]
enabled = true
bind = "127.0.0.1"
port = 0
token = "bench-token-0123456789"

[channels.mobile]
enabled = true
bind = "127.0.0.1"
port = 0
api_token = "bench-token-0123456789"
TOML
}
