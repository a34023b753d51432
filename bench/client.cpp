#include "client.hpp"

#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace bench {

namespace http = beast::http;
namespace json = boost::json;

asio::ip::address loopback_address(const std::string& host) {
  std::string h = host == "localhost" ? "127.0.0.1" : host;
  boost::system::error_code ec;
  auto a = asio::ip::make_address(h, ec);
  if (ec) throw std::invalid_argument("--host must be a loopback IP address (or localhost), got '" + host + "'");
  if (!a.is_loopback())
    throw std::invalid_argument("seatd-bench only targets loopback addresses; refusing '" + host + "'");
  return a;
}

std::string target::host_header(std::size_t i) const {
  auto ep = endpoint(i);
  if (ep.address().is_v6()) return fmt::format("[{}]:{}", ep.address().to_string(), ep.port());
  return fmt::format("{}:{}", ep.address().to_string(), ep.port());
}

// ---- runtime --------------------------------------------------------------------------------

runtime::runtime(int threads) {
  if (threads < 1) threads = 1;
  for (int i = 0; i < threads; ++i) {
    contexts_.push_back(std::make_unique<asio::io_context>(1));
    guards_.push_back(asio::make_work_guard(*contexts_.back()));
  }
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this, i] { contexts_[std::size_t(i)]->run(); });
}

runtime::~runtime() {
  guards_.clear();
  for (auto& c : contexts_) c->stop();
  for (auto& t : threads_) t.join();
}

group_ptr runtime::start(std::size_t n, const maker& make) {
  auto g = std::make_shared<task_group>();
  g->left = n;
  for (std::size_t i = 0; i < n; ++i) {
    asio::co_spawn(ctx(i), make(i), [g](std::exception_ptr e) {
      std::string msg;
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          msg = x.what();
        } catch (...) {
          msg = "unknown exception";
        }
      }
      std::lock_guard lock(g->m);
      if (e) g->errors.push_back(msg);
      if (--g->left == 0) g->cv.notify_all();
    });
  }
  return g;
}

std::vector<std::string> runtime::wait(const group_ptr& g, steady::duration limit) {
  std::unique_lock lock(g->m);
  if (!g->cv.wait_for(lock, limit, [&] { return g->left == 0; })) {
    std::fprintf(stderr, "seatd-bench: a phase overran its %lld s limit (%zu tasks still "
                         "running): giving up\n",
                 static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(limit).count()),
                 g->left);
    std::fflush(stderr);
    std::_Exit(3);
  }
  return g->errors;
}

void runtime::on_each(const std::function<void(std::size_t)>& f) {
  std::vector<std::future<void>> done;
  for (std::size_t i = 0; i < contexts_.size(); ++i) {
    auto p = std::make_shared<std::promise<void>>();
    done.push_back(p->get_future());
    asio::post(*contexts_[i], [p, &f, i] {
      f(i);
      p->set_value();
    });
  }
  for (auto& d : done) d.wait();
}

asio::awaitable<void> sleep_until(steady::time_point t) {
  if (steady::now() >= t) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_at(t);
  co_await timer.async_wait(use_tuple);
}

asio::awaitable<void> sleep_for(steady::duration d) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(d);
  co_await timer.async_wait(use_tuple);
}

// ---- HTTP -----------------------------------------------------------------------------------

std::string make_request(std::string_view method, std::string_view path, std::string_view host,
                         std::string_view token, std::string_view body,
                         std::string_view content_type) {
  std::string r;
  r.reserve(160 + token.size() + body.size());
  r.append(method).append(" ").append(path).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
  if (!token.empty()) r.append("Authorization: Bearer ").append(token).append("\r\n");
  if (!body.empty() || method == "POST") {
    r.append("Content-Type: ").append(content_type).append("\r\n");
    r.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  r.append("\r\n").append(body);
  return r;
}

boost::system::error_code bind_source(beast::tcp_stream& s, const tcp::endpoint& to,
                                      const asio::ip::address& source) {
  boost::system::error_code ec;
  if (source.is_unspecified()) return ec;
  auto& sock = s.socket();
  sock.open(to.protocol(), ec);
  if (ec) return ec;
  // Let connect() choose the port for the 4-tuple, as ws_conn::open does.
  int one = 1;
  ::setsockopt(sock.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  sock.bind(tcp::endpoint(source, 0), ec);
  if (ec) s.close();
  return ec;
}

void http_conn::close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
  buffer_.clear();
  connected_ = false;
}

asio::awaitable<http_result> http_conn::request(const std::string& raw,
                                                std::chrono::milliseconds timeout) {
  http_result r;
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = connected_;
    if (!connected_) {
      if (auto bec = bench::bind_source(stream_, ep_, source_)) {
        r.error = "bind: " + bec.message();
        co_return r;
      }
      stream_.expires_after(timeout);
      auto [ec] = co_await stream_.async_connect(ep_, use_tuple);
      if (ec) {
        r.error = "connect: " + ec.message();
        close();
        co_return r;
      }
      beast::error_code ignored;
      stream_.socket().set_option(tcp::no_delay(true), ignored);
      connected_ = true;
    }
    stream_.expires_after(timeout);
    auto [wec, wn] = co_await asio::async_write(stream_, asio::buffer(raw), use_tuple);
    (void)wn;
    if (!wec) {
      http::response<http::string_body> res;
      auto [rec, rn] = co_await http::async_read(stream_, buffer_, res, use_tuple);
      (void)rn;
      if (!rec) {
        r.status = res.result_int();
        r.body = std::move(res.body());
        if (!res.keep_alive()) close();
        co_return r;
      }
      wec = rec;
    }
    r.error = wec.message();
    close();
    // Only a kept-alive connection the server had closed meanwhile is worth one retry.
    if (!reused || (wec != asio::error::eof && wec != asio::error::connection_reset &&
                    wec != asio::error::broken_pipe && wec != http::error::end_of_stream))
      break;
  }
  co_return r;
}

// ---- WebSocket ------------------------------------------------------------------------------

asio::awaitable<boost::system::error_code> ws_conn::open(const tcp::endpoint& ep,
                                                         const asio::ip::address& source,
                                                         const std::string& host,
                                                         const std::string& path,
                                                         std::chrono::milliseconds timeout) {
  auto& s = beast::get_lowest_layer(ws_);
  boost::system::error_code ec;
  if (!source.is_unspecified()) {
    auto& sock = s.socket();
    sock.open(ep.protocol(), ec);
    if (ec) co_return ec;
    // Let connect() choose the port for the 4-tuple: a bound port would otherwise be
    // reserved for every destination and exhaust the range twice as fast.
    int one = 1;
    ::setsockopt(sock.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    sock.bind(tcp::endpoint(source, 0), ec);
    if (ec) {
      s.close();
      co_return ec;
    }
  }
  s.expires_after(timeout);
  auto [cec] = co_await s.async_connect(ep, use_tuple);
  if (cec) {
    s.close();
    co_return cec;
  }
  s.socket().set_option(tcp::no_delay(true), ec);
  ws_.read_message_max(4u << 20);
  auto [hec] = co_await ws_.async_handshake(host, path, use_tuple);
  if (hec) {
    s.close();
    co_return hec;
  }
  s.expires_never();
  co_return boost::system::error_code{};
}

asio::awaitable<boost::system::error_code> ws_conn::read(std::string_view& msg) {
  buffer_.consume(buffer_.size());
  auto [ec, n] = co_await ws_.async_read(buffer_, use_tuple);
  (void)n;
  if (!ec) {
    auto d = buffer_.cdata();
    msg = std::string_view(static_cast<const char*>(d.data()), d.size());
  }
  co_return ec;
}

asio::awaitable<boost::system::error_code> ws_conn::send_text(std::string_view text) {
  ws_.text(true);
  auto [ec, n] = co_await ws_.async_write(asio::buffer(text.data(), text.size()), use_tuple);
  (void)n;
  co_return ec;
}

void ws_conn::close() {
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
  beast::get_lowest_layer(ws_).close();
}

// ---- cheap JSON field access ----------------------------------------------------------------

namespace {
// Position of the value of "key" in msg, or npos.
std::size_t value_pos(std::string_view msg, std::string_view key) {
  std::size_t pos = 0;
  while ((pos = msg.find(key, pos)) != std::string_view::npos) {
    std::size_t end = pos + key.size();
    if (pos > 0 && msg[pos - 1] == '"' && end < msg.size() && msg[end] == '"') {
      std::size_t p = end + 1;
      while (p < msg.size() && msg[p] == ' ') ++p;
      if (p < msg.size() && msg[p] == ':') {
        ++p;
        while (p < msg.size() && msg[p] == ' ') ++p;
        return p;
      }
    }
    pos = end;
  }
  return std::string_view::npos;
}
}  // namespace

std::optional<std::int64_t> int_field(std::string_view msg, std::string_view key) {
  auto p = value_pos(msg, key);
  if (p == std::string_view::npos) return std::nullopt;
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(msg.data() + p, msg.data() + msg.size(), v);
  if (ec != std::errc{}) return std::nullopt;
  return v;
}

std::string_view string_field(std::string_view msg, std::string_view key) {
  auto p = value_pos(msg, key);
  if (p == std::string_view::npos || p >= msg.size() || msg[p] != '"') return {};
  auto close = msg.find('"', p + 1);
  if (close == std::string_view::npos) return {};
  return msg.substr(p + 1, close - p - 1);
}

// ---- setup ----------------------------------------------------------------------------------

namespace {

json::value parse_or_null(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec) return nullptr;
  return v;
}

asio::awaitable<void> signup_worker(const target& t, std::vector<user>& users, std::size_t first,
                                    std::size_t step) {
  auto ex = co_await asio::this_coro::executor;
  http_conn c(ex, t.endpoint(first));
  const std::string host = t.host_header(first);
  for (std::size_t i = first; i < users.size(); i += step) {
    auto& u = users[i];
    const std::string signup_body = fmt::format(
        R"({{"username":"bench","email":"{}","password":"bench-password-1"}})", u.email);
    const std::string signup = make_request("POST", "/auth/signup", host, {}, signup_body);
    auto s = co_await c.request(signup, 30s);
    if (s.status != 201 && !(s.status == 200 && s.body.find("already") != std::string::npos))
      throw std::runtime_error(fmt::format("signup of {} failed: {} {}{}", u.email, s.status,
                                           s.body, s.error));
    const std::string login_body =
        fmt::format(R"({{"email":"{}","password":"bench-password-1"}})", u.email);
    const std::string login = make_request("POST", "/auth/login", host, {}, login_body);
    auto l = co_await c.request(login, 30s);
    auto j = parse_or_null(l.body);
    if (l.status != 200 || !j.is_object() || !j.as_object().contains("access_token"))
      throw std::runtime_error(fmt::format("login of {} failed: {} {}{}", u.email, l.status,
                                           l.body, l.error));
    u.token = std::string(j.at("access_token").as_string());
  }
}

asio::awaitable<http_result> one_request(const target& t, const std::string& raw,
                                         std::chrono::milliseconds timeout) {
  auto ex = co_await asio::this_coro::executor;
  http_conn c(ex, t.endpoint(0));
  auto r = co_await c.request(raw, timeout);
  c.close();
  co_return r;
}

asio::awaitable<void> request_into(const target& t, const std::string& raw,
                                   std::chrono::milliseconds timeout, http_result& out) {
  out = co_await one_request(t, raw, timeout);
}

// Runs one request to completion from the calling (non-I/O) thread.
http_result blocking_request(runtime& rt, const target& t, const std::string& raw,
                             std::chrono::milliseconds timeout = 30s) {
  http_result out;
  auto errors = rt.run(
      1, [&](std::size_t) { return request_into(t, raw, timeout, out); }, timeout + 5s);
  if (!errors.empty()) out.error = errors.front();
  return out;
}

int run_process(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// `week_of` (YYYY-MM-DD, optional): the week seatd places the trips in.
http_result upload(runtime& rt, const target& t, const std::string& token,
                   const std::string& filename, const std::string& content,
                   const std::string& week_of = {}) {
  const std::string boundary = "----seatdBenchBoundary5c1f0e";
  std::string body = "--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename +
                     "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" +
                     boundary;
  if (!week_of.empty())
    body += "\r\nContent-Disposition: form-data; name=\"week_of\"\r\n\r\n" + week_of + "\r\n--" +
            boundary;
  body += "--\r\n";
  auto raw = make_request("POST", "/setup/seed-schedule", t.host_header(0), token, body,
                          "multipart/form-data; boundary=" + boundary);
  return blocking_request(rt, t, raw, 300s);
}

}  // namespace

http_result request_once(runtime& rt, const target& t, const std::string& raw,
                         std::chrono::milliseconds timeout) {
  return blocking_request(rt, t, raw, timeout);
}

http_result upload_schedule(runtime& rt, const target& t, const std::string& token,
                            const std::string& filename, const std::string& content) {
  return upload(rt, t, token, filename, content);
}

std::string run_prefix(const std::string& scenario) {
  static std::atomic<int> n{0};
  auto t = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch()).count();
  return fmt::format("{}{}x{}x{}", scenario, ::getpid(), t % 100000000, n++);
}

std::vector<user> make_users(runtime& rt, const target& t, std::size_t n, const std::string& prefix) {
  std::vector<user> users(n);
  for (std::size_t i = 0; i < n; ++i) users[i].email = fmt::format("{}-{}@bench.example.com", prefix, i);
  std::size_t workers = std::min<std::size_t>(32, n);
  auto errors = rt.run(
      workers,
      [&](std::size_t i) { return signup_worker(t, users, i, workers); },
      std::chrono::seconds(120 + n / 20));
  if (!errors.empty()) throw std::runtime_error(errors.front());
  return users;
}

int count_trips(runtime& rt, const target& t) {
  auto exists = [&](long id) {
    auto raw = make_request("GET", fmt::format("/trips/{}", id), t.host_header(0));
    auto r = blocking_request(rt, t, raw);
    if (r.status == 0) throw std::runtime_error("cannot reach the server: " + r.error);
    return r.status == 200;
  };
  if (!exists(1)) return 0;
  long lo = 1, hi = 2;
  while (hi < (1L << 24) && exists(hi)) {
    lo = hi;
    hi *= 2;
  }
  // exists(lo), !exists(hi)
  while (hi - lo > 1) {
    long mid = (lo + hi) / 2;
    (exists(mid) ? lo : hi) = mid;
  }
  return int(lo);
}

int seats_of_trip(runtime& rt, const target& t, int trip) {
  auto raw = make_request("GET", fmt::format("/trips/{}/seats", trip), t.host_header(0));
  auto r = blocking_request(rt, t, raw);
  if (r.status != 200) return 0;
  auto j = parse_or_null(r.body);
  return j.is_array() ? int(j.as_array().size()) : 0;
}

std::string admin_token(runtime& rt, const target& t, const setup_options& o) {
  if (!o.admin_token.empty()) return o.admin_token;
  static std::mutex cache_mutex;
  static std::map<std::string, std::string> cache;  // per server: create the admin once
  std::lock_guard lock(cache_mutex);
  const std::string key = t.host_header(0) + " " + o.database;
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  std::string email = o.admin_email.empty()
                          ? fmt::format("bench-admin-{}@bench.example.com", ::getpid())
                          : o.admin_email;
  if (!o.seatd_binary.empty() && !o.database.empty()) {
    int code = run_process({o.seatd_binary, "--database", o.database, "--fast-password-hash",
                            "--env-file", "/nonexistent/seatd-bench.env", "--log-level", "warn",
                            "admin", "create", "--email", email, "--password", o.admin_password});
    if (code != 0) throw std::runtime_error(fmt::format("`seatd admin create` failed (exit {})", code));
  } else if (o.admin_email.empty()) {
    throw std::runtime_error(
        "an admin is needed to upload a schedule: give --admin-token, --admin-email/--admin-password, "
        "or --seatd-binary with --database");
  }
  const std::string body = fmt::format(R"({{"email":"{}","password":"{}"}})", email, o.admin_password);
  auto r = blocking_request(rt, t, make_request("POST", "/auth/login", t.host_header(0), {}, body));
  auto j = parse_or_null(r.body);
  if (r.status != 200 || !j.is_object() || !j.as_object().contains("access_token"))
    throw std::runtime_error("admin login failed: " + r.body + r.error);
  return cache[key] = std::string(j.at("access_token").as_string());
}

std::string next_monday() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  // tm_wday: Sunday = 0; days until the next Monday (7 on a Monday: next week's, not today).
  local.tm_mday += local.tm_wday == 0 ? 1 : 8 - local.tm_wday;
  local.tm_hour = 12;  // mktime normalises the date; noon keeps clear of DST changes
  local.tm_isdst = -1;
  std::mktime(&local);
  return fmt::format("{:04}-{:02}-{:02}", local.tm_year + 1900, local.tm_mon + 1, local.tm_mday);
}

int ensure_trips(runtime& rt, const target& t, const setup_options& o, int needed) {
  int have = count_trips(rt, t);
  if (have >= needed) return have;
  auto token = admin_token(rt, t, o);
  // Into next week: seatd sells nothing that has departed, and most of the current week has.
  const std::string week = next_monday();
  if (have == 0 && !o.schedule.empty()) {
    auto content = read_file(o.schedule);
    auto r = upload(rt, t, token, std::filesystem::path(o.schedule).filename().string(), content,
                    week);
    if (r.status != 200) throw std::runtime_error("schedule upload failed: " + r.body + r.error);
    have = count_trips(rt, t);
  }
  static const char* days[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                               "Friday", "Saturday", "Sunday"};
  for (int round = 0; have < needed && round < 20; ++round) {
    int rows = std::min(needed - have, 10000);
    std::string csv =
        "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),"
        "Service Type,Bus Type\n";
    auto tag = run_prefix("bus");
    for (int i = 0; i < rows; ++i)
      csv += fmt::format("Bench,{},Bench {} {},Benchpur,Loadnagar,09:00 AM,05:00 PM,500,Express,AC\n",
                         days[i % 7], tag, i);
    auto r = upload(rt, t, token, "bench.csv", csv, week);
    if (r.status != 200) throw std::runtime_error("generated schedule upload failed: " + r.body + r.error);
    have = count_trips(rt, t);
  }
  if (have < needed) throw std::runtime_error(fmt::format("only {} trips exist, {} needed", have, needed));
  return have;
}

}  // namespace bench
