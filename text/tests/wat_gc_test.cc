// Unit tests of the 3.0 syntax the text reader encodes for modules the
// engine refuses: typed references, GC types and instructions, exception
// tags and try_table. Expected bytes are worked out from the 3.0 binary
// format (spec 5.3 types, 5.4 instructions, 5.5 sections).
#include <cstdint>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "runtime/engine.h"
#include "text/tests/wasm_bytes.h"

namespace wsbx::text {
namespace {

// Section ids in the order they appear.
Bytes SectionIds(const Bytes& wasm) {
  Bytes ids;
  size_t pos = 8;
  while (pos < wasm.size()) {
    ids.push_back(wasm[pos++]);
    pos += ReadLeb(wasm, &pos);
  }
  return ids;
}

TEST_CASE("3.0 types: abstract heap types and their abbreviations") {
  CHECK(Section(Wasm("(type (func (param funcref externref anyref eqref i31ref"
                     " structref arrayref nullref nullfuncref nullexternref"
                     " exnref nullexnref)))"),
                1) == Bytes{1, 0x60, 12, 0x70, 0x6F, 0x6E, 0x6D, 0x6C, 0x6B,
                            0x6A, 0x71, 0x73, 0x72, 0x69, 0x74, 0});
  // (ref null ht) of an abstract type is its one-byte form; (ref ht) is not.
  CHECK(Section(Wasm("(type (func (param (ref null func) (ref null none)"
                     " (ref func) (ref extern) (ref any) (ref eq) (ref i31)"
                     " (ref struct) (ref array) (ref none) (ref nofunc)"
                     " (ref noextern) (ref exn) (ref noexn))))"),
                1) == Bytes{1, 0x60, 14, 0x70, 0x71, 0x64, 0x70, 0x64, 0x6F,
                            0x64, 0x6E, 0x64, 0x6D, 0x64, 0x6C, 0x64, 0x6B,
                            0x64, 0x6A, 0x64, 0x71, 0x64, 0x73, 0x64, 0x72,
                            0x64, 0x69, 0x64, 0x74, 0});
  CHECK(Error("(type (func (param (ref null))))") ==
        "1:29: unexpected token ')', expected a heap type");
  CHECK(Error("(type (func (param (ref $nope))))") == "1:25: unknown type $nope");
}

TEST_CASE("3.0 types: concrete heap types are s33 type indices") {
  CHECK(Section(Wasm("(type $f (func (param (ref $f)) (result (ref null 0))))"),
                1) == Bytes{1, 0x60, 1, 0x64, 0, 1, 0x63, 0});
  // Index 64 needs two bytes as s33 (bit 6 would read as a sign).
  std::string many;
  for (int i = 0; i < 64; ++i) many += "(type (struct))";
  const Bytes types = Section(Wasm(many + "(type $t (func (param (ref $t))))"), 1);
  const Bytes tail(types.end() - 6, types.end());
  CHECK(tail == Bytes{0x60, 1, 0x64, 0xC0, 0x00, 0});
}

TEST_CASE("3.0 types: struct and array with packed and mutable fields") {
  CHECK(Section(Wasm("(type $s (struct (field $a (mut i32)) (field i8 i16)"
                     " (field (mut (ref null $s)))))"),
                1) == Bytes{1, 0x5F, 4, 0x7F, 1, 0x78, 0, 0x77, 0, 0x63, 0, 1});
  CHECK(Section(Wasm("(type (array (mut i8))) (type (array i64)) (type (struct))"),
                1) == Bytes{3, 0x5E, 0x78, 1, 0x5E, 0x7E, 0, 0x5F, 0});
  CHECK(Error("(type (struct (field $a i32) (field $a i64)))") ==
        "1:37: duplicate field identifier $a");
  CHECK(Error("(type (array))") ==
        "1:13: unexpected token ')', expected a value type");
}

TEST_CASE("3.0 types: sub, final and recursion groups") {
  CHECK(Section(Wasm("(rec (type $a (sub (struct (field (ref null $b)))))"
                     "     (type $b (sub final $a (struct (field (ref null $b))"
                     "                                   (field funcref)))))"),
                1) == Bytes{1, 0x4E, 2, 0x50, 0, 0x5F, 1, 0x63, 1, 0,  //
                            0x4F, 1, 0, 0x5F, 2, 0x63, 1, 0, 0x70, 0});
  // `(sub final ...)` without supertypes is the plain form; an empty and a
  // singleton rec group keep their 0x4E; each group counts once.
  CHECK(Section(Wasm("(type (sub final (func))) (rec) (rec (type (func)))"
                     "(type (sub 0 (func)))"),
                1) == Bytes{4, 0x60, 0, 0, 0x4E, 0, 0x4E, 1, 0x60, 0, 0,  //
                            0x50, 1, 0, 0x60, 0, 0});
}

TEST_CASE("3.0 types: implicit type uses match plain function types only") {
  // A non-final type or one in a larger group is not a match: a new type is
  // appended (spec 6.6.3); a singleton group is the plain form and matches.
  const Bytes w = Wasm("(type (sub (func))) (rec (type (func)) (type (struct)))"
                       "(rec (type (func (param i32)))) (func) (func (param i32))");
  CHECK(Section(w, 3) == Bytes{2, 4, 3});
  CHECK(Section(w, 1).size() == 1 + 5 + 7 + 6 + 3);
  CHECK(Error("(type (struct)) (func (type 0) (param i32))") ==
        "1:29: type use of a type that is not a function type");
}

TEST_CASE("3.0 instructions: typed function references") {
  CHECK(Body("(type $t (func)) (func ref.as_non_null br_on_null 0"
             " br_on_non_null 0 call_ref $t return_call_ref 0 ref.eq)") ==
        Bytes{0xD4, 0xD5, 0, 0xD6, 0, 0x14, 0, 0x15, 0, 0xD3});
  CHECK(Body("(type $t (func)) (func (block $b (br_on_null $b (ref.null $t)))"
             " ref.null any ref.null exn ref.null noexn drop)") ==
        Bytes{0x02, 0x40, 0xD0, 0, 0xD5, 0, 0x0B, 0xD0, 0x6E, 0xD0, 0x69,
              0xD0, 0x74, 0x1A});
  CHECK(Body("(type $t (func)) (func (select (result (ref null $t)) (ref.null $t)"
             " (ref.null $t) (i32.const 0)) drop)") ==
        Bytes{0xD0, 0, 0xD0, 0, 0x41, 0, 0x1C, 1, 0x63, 0, 0x1A});
  CHECK(Body("(type $t (func)) (func (block (result (ref $t)) unreachable) drop)") ==
        Bytes{0x02, 0x64, 0, 0x00, 0x0B, 0x1A});
}

TEST_CASE("3.0 instructions: structs, with field names per type") {
  CHECK(Body("(type $p (struct (field $x i32) (field $y (mut i8))))"
             "(type $q (struct (field $y i64)))"
             "(func struct.new $p struct.new_default $q struct.get $p $y"
             " struct.get_s $p 1 struct.get_u $p $y struct.set $p $x"
             " struct.get $q $y)") ==
        Bytes{0xFB, 0, 0, 0xFB, 1, 1, 0xFB, 2, 0, 1, 0xFB, 3, 0, 1, 0xFB, 4,
              0, 1, 0xFB, 5, 0, 0, 0xFB, 2, 1, 0});
  CHECK(Error("(type $q (struct (field $y i64))) (func struct.get $q $x)") ==
        "1:55: unknown field $x");
}

TEST_CASE("3.0 instructions: arrays") {
  CHECK(Body("(type $a (array (mut i8))) (type $b (array (mut funcref)))"
             "(data $d \"\") (elem $e func) (memory 1)"
             "(func array.new $a array.new_default $a array.new_fixed $a 3"
             " array.new_data $a $d array.new_elem $b $e array.get $b"
             " array.get_s $a array.get_u $a array.set $b array.len"
             " array.fill $a array.copy $a $b array.init_data $a 0"
             " array.init_elem $b $e)") ==
        Bytes{0xFB, 6, 0, 0xFB, 7, 0, 0xFB, 8, 0, 3, 0xFB, 9, 0, 0,
              0xFB, 10, 1, 0, 0xFB, 11, 1, 0xFB, 12, 0, 0xFB, 13, 0,
              0xFB, 14, 1, 0xFB, 15, 0xFB, 16, 0, 0xFB, 17, 0, 1,
              0xFB, 18, 0, 0, 0xFB, 19, 1, 0});
  // array.new_data uses a data index: the data count section is written.
  CHECK(Section(Wasm("(type $a (array i8)) (data \"x\")"
                     "(func (array.new_data $a 0 (i32.const 0) (i32.const 1)) drop)"),
                12) == Bytes{1});
}

TEST_CASE("3.0 instructions: i31, casts, conversions") {
  CHECK(Body("(func ref.i31 i31.get_s i31.get_u any.convert_extern"
             " extern.convert_any)") ==
        Bytes{0xFB, 28, 0xFB, 29, 0xFB, 30, 0xFB, 26, 0xFB, 27});
  CHECK(Body("(type $t (struct)) (func ref.test (ref $t) ref.test (ref null $t)"
             " ref.cast (ref any) ref.cast anyref ref.test i31ref)") ==
        Bytes{0xFB, 20, 0, 0xFB, 21, 0, 0xFB, 22, 0x6E, 0xFB, 23, 0x6E,
              0xFB, 21, 0x6C});
  // Flags: bit 0 the first type nullable, bit 1 the second.
  CHECK(Body("(type $t (struct)) (func (block $l (result anyref)"
             " br_on_cast $l anyref (ref $t) br_on_cast_fail 0 (ref any)"
             " (ref null $t) br_on_cast 0 (ref null eq) (ref null i31)"
             " br_on_cast_fail 0 (ref eq) (ref i31)))") ==
        Bytes{0x02, 0x6E, 0xFB, 24, 1, 0, 0x6E, 0, 0xFB, 25, 2, 0, 0x6E, 0,
              0xFB, 24, 3, 0, 0x6D, 0x6C, 0xFB, 25, 0, 0, 0x6D, 0x6C, 0x0B});
}

TEST_CASE("3.0 exception handling: tags in every position") {
  const Bytes w = Wasm(
      "(import \"m\" \"t\" (tag $i (param i64)))"
      "(tag $u (import \"m\" \"u\") (param i32))"
      "(memory 1) (global i32 (i32.const 0))"
      "(tag $e (export \"e\") (param i32))"
      "(export \"i\" (tag $i))");
  CHECK(Section(w, 1) == Bytes{2, 0x60, 1, 0x7E, 0, 0x60, 1, 0x7F, 0});
  CHECK(Section(w, 2) == Bytes{2, 1, 'm', 1, 't', 4, 0, 0,  //
                               1, 'm', 1, 'u', 4, 0, 1});
  CHECK(Section(w, 13) == Bytes{1, 0, 1});
  CHECK(Section(w, 7) == Bytes{2, 1, 'e', 4, 2, 1, 'i', 4, 0});
  // The tag section sits between memory and global (spec 5.5.2).
  CHECK(SectionIds(w) == Bytes{1, 2, 5, 13, 6, 7});
  CHECK(Error("(tag $e) (import \"m\" \"t\" (tag))") ==
        "1:10: import after a function, table, memory or global definition");
  CHECK(Error("(func throw $nope)") == "1:13: unknown tag $nope");
}

TEST_CASE("3.0 exception handling: throw, throw_ref, try_table") {
  // Handler labels are those around the try_table.
  CHECK(Body("(tag $e) (func (block $b (try_table (catch $e $b) (catch_ref $e 0)"
             " (catch_all 0) (catch_all_ref $b) (throw $e))))") ==
        Bytes{0x02, 0x40, 0x1F, 0x40, 4, 0, 0, 0, 1, 0, 0, 2, 0, 3, 0,
              0x08, 0, 0x0B, 0x0B});
  CHECK(Body("(tag $e) (func block $b try_table $t (result i32) (catch_all $b)"
             " br $t br $b throw_ref end end)") ==
        Bytes{0x02, 0x40, 0x1F, 0x7F, 1, 2, 0, 0x0C, 0, 0x0C, 1, 0x0A, 0x0B,
              0x0B});
  CHECK(Body("(type $t (func (param i32) (result i32)))"
             "(func (try_table (type $t) (i32.const 1)) drop)") ==
        Bytes{0x1F, 0, 0, 0x41, 1, 0x0B, 0x1A});
  CHECK(Error("(func try_table $t (catch_all $t) end)") ==
        "1:31: unknown label $t");
}

TEST_CASE("3.0 tables: reference types and initializer expressions") {
  CHECK(Section(Wasm("(type $t (func)) (func $f)"
                     "(table 10 (ref $t) (ref.func $f)) (table 1 funcref)"
                     "(table 2 3 (ref null $t) ref.null $t)"),
                4) == Bytes{3, 0x40, 0, 0x64, 0, 0, 10, 0xD2, 0, 0x0B,  //
                            0x70, 0, 1,                                 //
                            0x40, 0, 0x63, 0, 1, 2, 3, 0xD0, 0, 0x0B});
  const Bytes inline_elem = Wasm(
      "(type $t (func)) (func $f (type $t)) (table (ref null $t) (elem (ref.func $f)))");
  CHECK(Section(inline_elem, 4) == Bytes{1, 0x63, 0, 1, 1, 1});
  CHECK(Section(inline_elem, 9) ==
        Bytes{1, 6, 0, 0x41, 0, 0x0B, 0x63, 0, 1, 0xD2, 0, 0x0B});
  CHECK(Section(Wasm("(type $t (func)) (import \"m\" \"t\" (table 1 (ref null $t)))"),
                2) == Bytes{1, 1, 'm', 1, 't', 1, 0x63, 0, 0, 1});
}

TEST_CASE("3.0 locals, globals and element segments of reference types") {
  const Bytes f = Wasm("(type $t (func))"
                       "(func (param (ref $t)) (local (ref null $t) (ref null $t) i31ref))");
  CHECK(Section(f, 1) == Bytes{2, 0x60, 0, 0, 0x60, 1, 0x64, 0, 0});
  CHECK(Section(f, 10) == Bytes{1, 7, 2, 2, 0x63, 0, 1, 0x6C, 0x0B});
  const Bytes g = Wasm("(type $t (struct)) (import \"m\" \"g\" (global (ref $t)))"
                       "(global (ref null $t) (ref.null $t))"
                       "(global (mut anyref) (ref.null none))");
  CHECK(Section(g, 2) == Bytes{1, 1, 'm', 1, 'g', 3, 0x64, 0, 0});
  CHECK(Section(g, 6) ==
        Bytes{2, 0x63, 0, 0, 0xD0, 0, 0x0B, 0x6E, 1, 0xD0, 0x71, 0x0B});
  // (ref func) with ref.func items is the function-index form; other types
  // and items take expressions with an explicit reference type.
  CHECK(Section(Wasm("(type $t (func)) (func $f (type $t))"
                     "(elem (ref func) (ref.func $f)) (elem (ref null $t) (ref.null $t))"
                     "(elem (ref func) (global.get 0)) (elem declare (ref $t) (ref.func $f))"),
                9) == Bytes{4, 1, 0, 1, 0,                       //
                            5, 0x63, 0, 1, 0xD0, 0, 0x0B,        //
                            5, 0x64, 0x70, 1, 0x23, 0, 0x0B,     //
                            7, 0x64, 0, 1, 0xD2, 0, 0x0B});
  CHECK(Section(Wasm("(type $t (func)) (func $f (type $t)) (table 1 (ref null $t))"
                     "(elem (i32.const 0) (ref null $t) (ref.func $f))"),
                9) == Bytes{1, 6, 0, 0x41, 0, 0x0B, 0x63, 0, 1, 0xD2, 0, 0x0B});
}

// The text reader writes these modules; the engine must still refuse them.
TEST_CASE("3.0: the engine refuses what only the text reader reads") {
  const char* modules[] = {
      "(type (struct))",
      "(rec (type (func)) (type (func)))",
      "(tag)",
      "(type $t (func)) (func (param (ref $t)))",
      "(func (result i32) (i31.get_s (ref.i31 (i32.const 1))))",
      "(func (try_table))",
      "(func (ref.null any) drop)",
  };
  for (const char* text : modules) {
    INFO(text);
    CHECK_FALSE(ValidateBinary(Wasm(text)).ok());
  }
}

}  // namespace
}  // namespace wsbx::text
