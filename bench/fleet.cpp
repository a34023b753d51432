#include "fleet.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>

namespace bench {

namespace json = boost::json;

namespace {

bool is_addr_not_available(const boost::system::error_code& ec) {
  return ec == boost::system::error_code(EADDRNOTAVAIL, boost::system::system_category());
}

asio::awaitable<void> viewer_main(fleet& f, std::size_t i) {
  auto& v = *f.v[i];
  auto& st = f.stats[i % f.rt.size()];
  auto& lim = *f.limiters[i % f.rt.size()];
  co_await lim.acquire();
  if (f.closing) {
    lim.release();
    v.state = viewer::failed;
    ++f.failed;
    co_return;
  }
  const std::int64_t t0 = now_us();
  v.start_wall_us = wall_us();
  const std::string host = f.tgt.host_header(v.port_index);
  const std::string path = "/ws/seats/" + std::to_string(v.trip);
  const tcp::endpoint ep = f.tgt.endpoint(v.port_index);
  boost::system::error_code ec;
  for (int attempt = 0; attempt < 254; ++attempt) {
    int src = f.source_index.load();
    asio::ip::address source;
    if (src > 0) source = asio::ip::address_v4(0x7f000001u + unsigned(src));
    ec = co_await v.ws.open(ep, source, host, path, 10s);
    if (!is_addr_not_available(ec) || src >= 253) break;
    f.source_index.compare_exchange_strong(src, src + 1);  // this address ran out of ports
  }
  std::string_view msg;
  if (!ec) ec = co_await v.ws.read(msg);
  json::value init;
  if (!ec) {
    boost::system::error_code pec;
    init = json::parse(msg, pec);
    if (pec || !init.is_object() || string_field(msg, "type") != "INITIAL_STATE") {
      v.error = "first message is not INITIAL_STATE: " + std::string(msg.substr(0, 200));
      ec = asio::error::invalid_argument;
    }
  } else {
    v.error = ec.message();
    if (ec == websocket::error::closed) v.error += fmt::format(" (close {} {})", v.ws.reason().code,
                                                               std::string(v.ws.reason().reason.data(), v.ws.reason().reason.size()));
  }
  lim.release();
  if (ec) {
    v.ws.close();
    v.state = viewer::failed;
    st.error("viewer: " + v.error);
    ++f.failed;
    co_return;
  }
  const auto recv_us = now_us();
  v.init_wall_us = wall_us();
  st.second.record(recv_us - t0);  // connect to INITIAL_STATE
  const auto& o = init.as_object();
  v.init_seq = o.contains("seq") ? o.at("seq").to_number<std::int64_t>() : 0;
  v.server_time_ms = o.contains("server_time") ? o.at("server_time").to_number<std::int64_t>() : 0;
  v.last_seq.store(v.init_seq);
  v.state = viewer::open;
  ++f.ready;

  for (;;) {
    ec = co_await v.ws.read(msg);
    if (ec) break;
    const std::int64_t t = now_us();
    if (msg == "pong") {
      if (v.pongs.fetch_add(1) == 0 && v.ping_sent_us) st.latency.record(t - v.ping_sent_us);
      continue;
    }
    auto seq = int_field(msg, "seq");
    if (!seq) continue;
    if (string_field(msg, "type") == "INITIAL_STATE") {  // a resync (the server dropped us behind)
      ++v.resyncs;
      v.last_seq.store(*seq);
      continue;
    }
    auto last = v.last_seq.load(std::memory_order_relaxed);
    if (*seq <= last) continue;  // duplicate
    if (*seq > last + 1) v.lost += std::uint64_t(*seq - last - 1);
    v.last_seq.store(*seq, std::memory_order_relaxed);
    ++v.received;
    if (f.handler) f.handler->on_event(v, msg, *seq, t, st);
  }
  if (!f.closing) {
    v.server_closed = true;
    v.close_code = v.ws.reason().code;
    v.error = ec.message();
  }
  v.state = viewer::done;
}

}  // namespace

void start_fleet(fleet& f) {
  f.group = f.rt.start(f.v.size(), [&f](std::size_t i) { return viewer_main(f, i); });
}

bool wait_ready(fleet& f, steady::duration limit) {
  auto deadline = steady::now() + limit;
  while (f.ready + f.failed < f.v.size()) {
    if (steady::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

void close_fleet(fleet& f) {
  f.closing = true;
  f.rt.on_each([&f](std::size_t th) {
    for (std::size_t i = th; i < f.v.size(); i += f.rt.size()) f.v[i]->ws.close();
  });
  if (f.group) f.rt.wait(f.group, 60s);
}

fleet_totals totals(const fleet& f) {
  fleet_totals t;
  for (const auto& v : f.v) {
    if (v->state == viewer::failed) {
      ++t.failed;
      continue;
    }
    ++t.open;
    t.received += v->received;
    t.lost += v->lost;
    t.resyncs += v->resyncs;
    if (v->server_closed) {
      ++t.server_closed;
      ++t.close_codes[v->close_code];
    }
  }
  return t;
}

void add_fleet(report& r, const fleet& f, const fleet_totals& t) {
  r.add("viewers_connected", t.open);
  r.add("viewers_failed", t.failed);
  if (t.server_closed) {
    std::string codes;
    for (auto [code, n] : t.close_codes) codes += fmt::format("{}{}x{}", codes.empty() ? "" : ", ", n, code);
    r.add("viewers_closed_by_server", t.server_closed, fmt::format("{} ({})", t.server_closed, codes));
  }
  if (t.resyncs) r.add("viewer_resyncs", t.resyncs);
  for (const auto& v : f.v)
    if (!v->error.empty()) {
      r.note("first viewer error: " + v->error);
      break;
    }
}

asio::awaitable<void> probe_seq(const target& t, std::size_t port_index, int trip, std::int64_t& out) {
  auto ex = co_await asio::this_coro::executor;
  ws_conn ws(ex);
  const std::string host = t.host_header(port_index);
  const std::string path = "/ws/seats/" + std::to_string(trip);
  const tcp::endpoint ep = t.endpoint(port_index);
  const asio::ip::address any;
  auto ec = co_await ws.open(ep, any, host, path, 10s);
  std::string_view msg;
  if (!ec) ec = co_await ws.read(msg);
  out = -1;
  if (!ec)
    if (auto s = int_field(msg, "seq")) out = *s;
  ws.close();
}

}  // namespace bench
