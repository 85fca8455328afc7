#!/usr/bin/env ruby
# serve25.rb -- a long-running Ruby Liquid 2.5.3 oracle (ActiveSupport loaded, TZ=UTC).
#
# Reads one JSON object per line on stdin: {"template", "context", "now"?}; writes one JSON
# object per line on stdout: {"output"} when the template parsed (2.5.3 writes render-time
# errors inline as "Liquid error: …", and those are in the output), {"error"} when
# Template.parse raised, plus "render_errors" (template.errors, "Class: message").
# "now" (an ISO 8601 time) fixes what Time.now answers for that one case.
# A case that runs longer than 10 s is answered with {"error": "Timeout: …"}.
ENV["TZ"] = "UTC"
require "json"
require "time"
require "timeout"
require File.join(__dir__, "liquid25_shims")
require "active_support/all"
require "liquid"
ident = Liquid25Shims.verify!
warn "#{ident}; ActiveSupport #{ActiveSupport::VERSION::STRING}; Ruby #{RUBY_VERSION}"

module FrozenNow
  @at = nil
  class << self
    attr_accessor :at
  end
end

class << Time
  alias_method :__real_now, :now
  def now(*args, **kw)
    FrozenNow.at ? FrozenNow.at.dup : __real_now(*args, **kw)
  end
end

$stdout.sync = true
$stdin.each_line do |line|
  request = JSON.parse(line)
  entry = {}
  begin
    FrozenNow.at = request["now"] ? Time.iso8601(request["now"]).utc.localtime : nil
    Timeout.timeout(10) do
      template = Liquid::Template.parse(request["template"])
      entry["output"] = template.render(request["context"] || {}).to_s
      entry["render_errors"] = template.errors.map { |e| "#{e.class}: #{e.message}" }
    end
  rescue Exception => e # rubocop:disable Lint/RescueException -- SystemStackError etc. too
    raise if e.is_a?(Interrupt) || e.is_a?(SystemExit)
    entry["error"] = "#{e.class}: #{e.message}"
  ensure
    FrozenNow.at = nil
  end
  out = entry.transform_values { |v| v.is_a?(String) ? v.dup.force_encoding("UTF-8").scrub : v }
  puts JSON.generate(out)
end
