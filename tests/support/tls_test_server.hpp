// TLS test endpoints on 127.0.0.1 for the https webhook:
// - TestPki: a throwaway certificate authority and certificates, made at
//   test time with the openssl CLI in a fresh directory under $TMPDIR: the
//   CA, a server certificate it signed for 127.0.0.1 and localhost, one it
//   signed for another name only (wrong.example), and a self-signed one for
//   127.0.0.1;
// - TlsTestServer: HttpTestServer's behaviour (the same detail::
//   ScriptedHttpServer: record every request, answer by a Reply script)
//   behind a synchronous Beast/OpenSSL server handshake,
//   counting the handshakes that failed (a client that refused the
//   certificate).
// Header-only; needs Boost (headers), OpenSSL::SSL, Threads and the openssl
// binary on PATH.
#pragma once

#include <stdlib.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "http_test_server.hpp"

namespace adrmon::test {

class TestPki {
 public:
  // Makes the directory and every certificate (EC P-256 keys, valid a day).
  // Throws std::runtime_error when an openssl command fails.
  TestPki() {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp != nullptr ? tmp : "/tmp") + "/adrmon-pki-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = templ;
    const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1";
    run("openssl req -x509" + key + " -keyout ca.key -out ca.pem -subj /CN=adrmon-test-ca" +
        " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign");
    signed_cert("server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    signed_cert("wrong", "/CN=wrong.example", "subjectAltName=DNS:wrong.example");
    run("openssl req -x509" + key + " -keyout self.key -out self.pem -subj /CN=127.0.0.1" +
        " -addext subjectAltName=IP:127.0.0.1,DNS:localhost");
  }
  ~TestPki() { (void)std::system(("rm -rf '" + dir_ + "'").c_str()); }
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  const std::string& dir() const { return dir_; }
  std::string ca_file() const { return dir_ + "/ca.pem"; }
  // "server" (trusted via ca_file, 127.0.0.1 and localhost), "wrong" (trusted
  // CA, name wrong.example only), "self" (self-signed for 127.0.0.1).
  std::string cert(const std::string& which) const { return dir_ + "/" + which + ".pem"; }
  std::string key(const std::string& which) const { return dir_ + "/" + which + ".key"; }

 private:
  void run(const std::string& command) const {
    const std::string full = "cd '" + dir_ + "' && " + command + " >openssl.log 2>&1";
    if (std::system(full.c_str()) != 0) {
      std::ifstream in(dir_ + "/openssl.log");
      std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      throw std::runtime_error("openssl failed: " + command + "\n" + log);
    }
  }
  void signed_cert(const std::string& name, const std::string& subject, const std::string& san) {
    {
      std::ofstream ext(dir_ + "/" + name + ".ext");
      ext << san << "\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n";
    }
    run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + name +
        ".key -out " + name + ".csr -subj " + subject);
    run("openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1" +
        " -out " + name + ".pem -extfile " + name + ".ext");
  }

  std::string dir_;
};

class TlsTestServer {
 public:
  using Script = detail::ScriptedHttpServer::Script;

  // Serves TLS with `cert_file` / `key_file` on 127.0.0.1 at a free port;
  // answers 200 to everything unless `script` says otherwise.
  TlsTestServer(
      const std::string& cert_file, const std::string& key_file,
      Script script = [](std::size_t) { return Reply{}; })
      : ctx_(make_context(cert_file, key_file)),
        server_(std::move(script),
                [this](detail::ScriptedHttpServer& server, boost::asio::ip::tcp::socket socket,
                       int id) { serve(server, std::move(socket), id); }) {}

  std::uint16_t port() const { return server_.port(); }
  // "https://HOST:PORT" + path (HOST 127.0.0.1 unless given).
  std::string url(const std::string& path, const std::string& host = "127.0.0.1") const {
    return "https://" + host + ":" + std::to_string(port()) + path;
  }
  std::vector<Received> received() const { return server_.received(); }
  int connections() const { return server_.connections(); }
  int handshake_failures() const { return handshake_failures_.load(); }

 private:
  static boost::asio::ssl::context make_context(const std::string& cert_file,
                                                const std::string& key_file) {
    boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_server);
    ctx.use_certificate_chain_file(cert_file);
    ctx.use_private_key_file(key_file, boost::asio::ssl::context::pem);
    return ctx;
  }

  void serve(detail::ScriptedHttpServer& server, boost::asio::ip::tcp::socket socket, int id) {
    boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream(std::move(socket), ctx_);
    boost::system::error_code ec;
    stream.handshake(boost::asio::ssl::stream_base::server, ec);
    if (ec) {
      ++handshake_failures_;
    } else {
      server.serve_requests(stream, id);
    }
    server.close(stream.next_layer());
  }

  // Declared before server_: the context outlives every connection thread.
  boost::asio::ssl::context ctx_;
  std::atomic<int> handshake_failures_{0};
  detail::ScriptedHttpServer server_;
};

}  // namespace adrmon::test
