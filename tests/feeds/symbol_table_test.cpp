// SymbolTable: exact-match lookups of up to 16-byte symbols, growth.
#include "adrmon/feeds/symbol_table.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace adrmon {
namespace {

struct Entry {
  const char* symbol;
  InstrumentId id;
};

// A table with `entries` inserted in order; each insert must succeed.
SymbolTable table_of(std::initializer_list<Entry> entries) {
  SymbolTable t;
  for (const Entry& e : entries) EXPECT_TRUE(t.insert(e.symbol, e.id)) << e.symbol;
  return t;
}

void expect_finds(const SymbolTable& t, std::initializer_list<Entry> entries) {
  for (const Entry& e : entries) EXPECT_EQ(t.find(e.symbol), e.id) << e.symbol;
}

TEST(SymbolTable, FindsWhatWasInserted) {
  const std::initializer_list<Entry> entries = {{"BABA", 1}, {"9988", 2}, {"JD", 3}};
  const SymbolTable t = table_of(entries);
  expect_finds(t, entries);
  EXPECT_EQ(t.size(), 3u);
}

TEST(SymbolTable, MissesAreNoInstrument) {
  SymbolTable t;
  ASSERT_TRUE(t.insert("BABA", 1));
  EXPECT_EQ(t.find("BAB"), kNoInstrument);    // prefix
  EXPECT_EQ(t.find("BABAX"), kNoInstrument);  // extension
  EXPECT_EQ(t.find("baba"), kNoInstrument);   // case matters
  EXPECT_EQ(t.find(""), kNoInstrument);
  EXPECT_EQ(t.find(std::string_view("BABA\0", 5)), kNoInstrument);  // length is part of the key
}

TEST(SymbolTable, EmptyTableMissesEverything) {
  const SymbolTable t;
  EXPECT_EQ(t.find("BABA"), kNoInstrument);
  EXPECT_EQ(t.size(), 0u);
}

TEST(SymbolTable, InsertReplacesAnExistingSymbol) {
  SymbolTable t;
  ASSERT_TRUE(t.insert("BABA", 1));
  ASSERT_TRUE(t.insert("BABA", 7));
  EXPECT_EQ(t.find("BABA"), 7u);
  EXPECT_EQ(t.size(), 1u);
}

TEST(SymbolTable, SixteenBytesFitSeventeenDoNot) {
  SymbolTable t;
  const std::string sixteen = "ABCDEFGHIJKLMNOP";
  const std::string seventeen = sixteen + "Q";
  EXPECT_TRUE(t.insert(sixteen, 5));
  EXPECT_FALSE(t.insert(seventeen, 6));
  EXPECT_EQ(t.find(sixteen), 5u);
  EXPECT_EQ(t.find(seventeen), kNoInstrument);
  EXPECT_EQ(t.size(), 1u);
}

TEST(SymbolTable, EmptySymbolAndNoInstrumentIdAreRefused) {
  SymbolTable t;
  EXPECT_FALSE(t.insert("", 1));
  EXPECT_FALSE(t.insert("BABA", kNoInstrument));
  EXPECT_EQ(t.size(), 0u);
}

TEST(SymbolTable, SymbolsDifferingOnlyInTheSecondWordAreDistinct) {
  const std::initializer_list<Entry> entries = {
      {"ABCDEFGH1", 1}, {"ABCDEFGH2", 2}, {"ABCDEFGH", 3}};
  expect_finds(table_of(entries), entries);
}

// "S" + std::to_string(i) trips GCC 12's -Wrestrict false positive at -O3.
std::string symbol(InstrumentId i) {
  std::string s = std::to_string(i);
  s.insert(s.begin(), 'S');
  return s;
}

TEST(SymbolTable, GrowsPastItsInitialSizeKeepingEveryEntry) {
  SymbolTable t(1);
  constexpr InstrumentId kCount = 5000;
  for (InstrumentId i = 0; i < kCount; ++i) ASSERT_TRUE(t.insert(symbol(i), i));
  EXPECT_EQ(t.size(), kCount);
  for (InstrumentId i = 0; i < kCount; ++i) ASSERT_EQ(t.find(symbol(i)), i) << i;
  EXPECT_EQ(t.find(symbol(kCount)), kNoInstrument);
}

}  // namespace
}  // namespace adrmon
