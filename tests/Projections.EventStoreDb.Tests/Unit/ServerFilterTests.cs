using System.Text.RegularExpressions;
using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.EventStoreDb.Protocol;
using FilterOptions = Projections.EventStoreDb.Protocol.Streams.ReadReq.Types.Options.Types.FilterOptions;

namespace Projections.EventStoreDb.Tests.Unit;

public sealed class ServerFilterTests
{
    [Fact]
    public void Event_types_become_an_anchored_exact_match_regex()
    {
        var options = ServerFilter.Build(new EventFilter { EventTypes = ["ItemDetected", "Plan.Changed"] })!;

        options.FilterCase.Should().Be(FilterOptions.FilterOneofCase.EventType);
        var regex = new Regex(options.EventType.Regex);
        regex.IsMatch("ItemDetected").Should().BeTrue();
        regex.IsMatch("Plan.Changed").Should().BeTrue();
        regex.IsMatch("PlanXChanged").Should().BeFalse("the dot is escaped");
        regex.IsMatch("ItemDetectedLate").Should().BeFalse("the match is anchored");
        regex.IsMatch("$ItemDetected").Should().BeFalse();
    }

    [Fact]
    public void Stream_prefixes_become_a_stream_prefix_filter()
    {
        var options = ServerFilter.Build(new EventFilter { StreamPrefixes = ["item-", "station-"] })!;

        options.FilterCase.Should().Be(FilterOptions.FilterOneofCase.StreamIdentifier);
        options.StreamIdentifier.Prefix.Should().Equal("item-", "station-");
        options.StreamIdentifier.Regex.Should().BeEmpty();
    }

    [Fact]
    public void Event_types_win_over_stream_prefixes_and_the_engine_rechecks_the_prefix()
    {
        var options = ServerFilter.Build(new EventFilter { StreamPrefixes = ["item-"], EventTypes = ["ItemDetected"] })!;

        options.FilterCase.Should().Be(FilterOptions.FilterOneofCase.EventType);
    }

    [Fact]
    public void No_constraint_but_system_exclusion_filters_out_dollar_event_types()
    {
        var options = ServerFilter.Build(EventFilter.All)!;

        var regex = new Regex(options.EventType.Regex);
        regex.IsMatch("ItemRegistered").Should().BeTrue();
        regex.IsMatch("$metadata").Should().BeFalse();
        regex.IsMatch("$>").Should().BeFalse();
    }

    [Fact]
    public void Nothing_to_filter_means_no_server_filter()
    {
        ServerFilter.Build(new EventFilter { ExcludeSystemEvents = false }).Should().BeNull();
    }

    [Fact]
    public void Filters_always_carry_a_window_and_a_checkpoint_multiplier_of_at_least_one()
    {
        var options = ServerFilter.Build(new EventFilter { StreamPrefixes = ["item-"] })!;

        options.WindowCase.Should().NotBe(FilterOptions.WindowOneofCase.None);
        options.CheckpointIntervalMultiplier.Should().BeGreaterThanOrEqualTo(1u);
    }

    [Fact]
    public void Subscription_request_sets_every_required_option()
    {
        var request = ReadRequests.SubscribeToAll(new GlobalPosition(200, 150), new EventFilter { StreamPrefixes = ["item-"] }).Options;

        request.All.Position.CommitPosition.Should().Be(200);
        request.All.Position.PreparePosition.Should().Be(150);
        request.CountOptionCase.Should().Be(Protocol.Streams.ReadReq.Types.Options.CountOptionOneofCase.Subscription);
        request.FilterOptionCase.Should().Be(Protocol.Streams.ReadReq.Types.Options.FilterOptionOneofCase.Filter);
        request.UuidOption.Should().NotBeNull("without it the server never answers");
        request.ResolveLinks.Should().BeFalse();
    }

    [Fact]
    public void From_the_start_uses_the_start_option_not_position_zero()
    {
        ReadRequests.SubscribeToAll(null, EventFilter.All).Options.All.AllOptionCase
            .Should().Be(Protocol.Streams.ReadReq.Types.Options.Types.AllOptions.AllOptionOneofCase.Start);
        ReadRequests.SubscribeToAll(GlobalPosition.Start, EventFilter.All).Options.All.AllOptionCase
            .Should().Be(Protocol.Streams.ReadReq.Types.Options.Types.AllOptions.AllOptionOneofCase.Start);
    }
}
