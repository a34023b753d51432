# Shell helpers the bench scripts share (sourced, not run).

# Prints a TCP port on 127.0.0.1 that nothing listens on (a connect attempt is refused), or
# fails after 200 tries. A race with another process taking it is possible and harmless here:
# the server that starts on it then fails loudly.
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 10000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "$(basename "$0"): no free port found" >&2
  return 1
}

# Prints next week's Monday (YYYY-MM-DD, local time; a Monday gives the one a week later): the
# week the bench imports its schedule into, so that no trip departs during a run.
next_monday() {
  date -d "+$(( 8 - $(date +%u) )) days" +%F
}

# The per-client defences, switched off: the bench plays many users from one address, which
# those limits would (rightly) refuse. Prefix a seatd command with: env "${one_address_many_users[@]}"
one_address_many_users=(SEATD_HOLD_RATE_PER_MINUTE=0 SEATD_SIGNUPS_PER_CLIENT=0
                        SEATD_MAX_HOLDS_PER_ACCOUNT=10000 SEATD_HOLD_COOLDOWN_SECONDS=0
                        SEATD_MAX_VIEWERS_PER_CLIENT=0 SEATD_MAX_CONNECTIONS_PER_CLIENT=0
                        SEATD_HASH_PER_CLIENT=0)
