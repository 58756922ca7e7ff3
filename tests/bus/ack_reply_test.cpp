// stream_seq_of_reply: the stream sequence read from both forms of the
// JetStream ack subject, and 0 for anything else. No server is needed.
#include "adrmon/bus/ack_reply.hpp"

#include <gtest/gtest.h>

namespace adrmon::bus {
namespace {

TEST(AckReply, NineTokenFormGivesTheSixthToken) {
  EXPECT_EQ(stream_seq_of_reply("$JS.ACK.ADRMON_TICKS.eng.1.4711.4700.1764600000000000000.12"),
            4711u);
  EXPECT_EQ(stream_seq_of_reply("$JS.ACK.S.C.3.1.1.1.0"), 1u);
}

TEST(AckReply, DomainFormGivesTheEighthToken) {
  EXPECT_EQ(stream_seq_of_reply(
                "$JS.ACK._.ACCHASH.ADRMON_TICKS.eng.2.98765.98000.1764600000000000000.0.r4nd"),
            98765u);
  EXPECT_EQ(stream_seq_of_reply("$JS.ACK.hub.H.S.C.1.18446744073709551615.1.1.0"),
            18446744073709551615u);
}

TEST(AckReply, AnythingElseIsZero) {
  EXPECT_EQ(stream_seq_of_reply(""), 0u);
  EXPECT_EQ(stream_seq_of_reply("_INBOX.abc.def"), 0u);
  EXPECT_EQ(stream_seq_of_reply("$JS.ACK.S.C.1.2.3.4"), 0u);                        // 6 tokens
  EXPECT_EQ(stream_seq_of_reply("$JS.ACK.S.C.1.2.3.4.5.6"), 0u);                    // 8 tokens
  EXPECT_EQ(stream_seq_of_reply("$JS.ACK.S.C.1.x7.3.4.5"), 0u);                     // not a number
  EXPECT_EQ(stream_seq_of_reply("$JS.ACK.S.C.1..3.4.5"), 0u);                       // empty token
  EXPECT_EQ(stream_seq_of_reply("$JS.ACK.S.C.1.123456789012345678901.3.4.5"), 0u);  // 21 digits
  EXPECT_EQ(stream_seq_of_reply("$JS.ACK.S.C.1.18446744073709551616.3.4.5"), 0u);   // 2^64
}

}  // namespace
}  // namespace adrmon::bus
