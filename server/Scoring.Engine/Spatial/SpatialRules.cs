using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;

namespace Scoring.Engine.Spatial;

/// <summary>The clearance tiers (numbers match the proto enum).</summary>
public enum ClearanceZone
{
    /// <summary>Cannot be told: nothing known about the boundary or the red line.</summary>
    Unspecified = 0,
    /// <summary>In no clearance zone.</summary>
    None = 1,
    /// <summary>必须清退区.</summary>
    Must = 2,
    /// <summary>鼓励清退区.</summary>
    Encouraged = 3,
    /// <summary>可考虑清退区.</summary>
    Considered = 4,
}

/// <summary>The redevelopment modes of the paper's section 4.2.2 (numbers match the proto enum).</summary>
public enum RedevelopmentMode
{
    /// <summary>工改高标准厂房.</summary>
    HighStandardFactory = 1,
    /// <summary>增容技改.</summary>
    CapacityUpgrade = 2,
    /// <summary>工改科研.</summary>
    Research = 3,
    /// <summary>工改商办.</summary>
    CommercialOffice = 4,
    /// <summary>工改居住.</summary>
    Residential = 5,
    /// <summary>工改配套.</summary>
    Supporting = 6,
    /// <summary>连片改造.</summary>
    ContiguousRenewal = 7,
    /// <summary>工业生态修复.</summary>
    EcologicalRestoration = 8,
}

/// <summary>A suggested mode and why.</summary>
public readonly record struct RedevelopmentSuggestion(RedevelopmentMode Mode, string Reason);

/// <summary>
/// What is known of a parcel's place, answered or derived by overlay: null = not known. The clearance flags come
/// from the clearance layers only.
/// </summary>
public sealed record PlaceFacts
{
    /// <summary>Inside the urban development boundary.</summary>
    public bool? InsideDevelopmentBoundary { get; init; }
    /// <summary>Inside the ecological protection red line.</summary>
    public bool? InEcologicalRedLine { get; init; }
    /// <summary>Inside the main urban area.</summary>
    public bool? InMainUrbanArea { get; init; }
    /// <summary>Inside a must-clear zone.</summary>
    public bool? InClearanceMust { get; init; }
    /// <summary>Inside an encouraged-clearance zone.</summary>
    public bool? InClearanceEncouraged { get; init; }
    /// <summary>Inside a may-be-considered clearance zone.</summary>
    public bool? InClearanceConsidered { get; init; }
    /// <summary>Area in 亩 of the contiguous group of parcels to redevelop that this one belongs to (itself included); null without an outline.</summary>
    public double? ContiguousAreaMu { get; init; }
}

/// <summary>
/// The model document's spatial rules: which clearance tier a parcel takes and which redevelopment modes it is offered,
/// as data a district can change. Absent from a document, <see cref="Defaults"/> apply (the paper's).
/// </summary>
public sealed record SpatialDocument
{
    /// <summary>Clearance rules, first match wins; a parcel no rule matches is NONE (UNSPECIFIED when its boundary is not known).</summary>
    public List<ClearanceRuleDocument> ClearanceRules { get; init; } = [];
    /// <summary>Redevelopment rules: every mode with a matching rule is offered, once, with the first matching rule's reason.</summary>
    public List<RedevelopmentRuleDocument> RedevelopmentRules { get; init; } = [];
    /// <summary>Parcels to redevelop this close (metres) or closer count as neighbours for contiguous renewal.</summary>
    public double ContiguousDistanceM { get; init; } = 10;

    /// <summary>The paper's rules (sections 4.2.2 and 4.2.3 (3)).</summary>
    public static SpatialDocument Defaults { get; } = new()
    {
        ClearanceRules =
        [
            new() { Zone = "must", When = new() { InEcologicalRedLine = true } },
            new() { Zone = "must", When = new() { InsideDevelopmentBoundary = false, InClearanceMust = true } },
            new() { Zone = "encouraged", When = new() { InsideDevelopmentBoundary = false, InClearanceEncouraged = true } },
            new() { Zone = "considered", When = new() { InsideDevelopmentBoundary = false, InClearanceConsidered = true } },
            new() { Zone = "considered", When = new() { InsideDevelopmentBoundary = false, ToRedevelop = true } },
        ],
        RedevelopmentRules =
        [
            new() { Mode = "ecological_restoration", When = new() { InsideDevelopmentBoundary = false },
                Reason = "outside the urban development boundary: restore the industrial land to ecological landscape (工业生态修复), government and enterprise together" },
            new() { Mode = "ecological_restoration", When = new() { InEcologicalRedLine = true },
                Reason = "inside the ecological protection red line: restore the land (工业生态修复)" },
            new() { Mode = "capacity_upgrade", When = new() { InsideDevelopmentBoundary = true, MinAreaMu = 100, VetoesPass = true, AnyElementBelow = new() { ["land"] = 0.6, ["economy"] = 0.6 } },
                Reason = "100 亩 or more inside the boundary, poor on land use or output while every veto passes: raise FAR, floor area or investment with the same user (增容技改), keeping the plot whole for major projects" },
            new() { Mode = "high_standard_factory", When = new() { InsideDevelopmentBoundary = true, MaxAreaMu = 100, Levels = ["park", "community"], AnyIndicatorBelow = new() { ["far"] = 1.0, ["building_density"] = 30 } },
                Reason = "a small plot in a park or community with a low FAR or building density: multi-storey high-standard factories for small and medium firms (工改高标准厂房, 工业上楼)" },
            new() { Mode = "research", When = new() { Categories = new() { ["enterprise_type"] = ["high_tech", "specialized"] }, AnyElementBelow = new() { ["land"] = 0.6 } },
                Reason = "a high-tech or specialised enterprise whose land indicators are poor: industrial to research (工改科研), with limits on renting or selling floor space and a watch on conversion to commercial use" },
            new() { Mode = "contiguous_renewal", When = new() { InMainUrbanArea = true, MinContiguousAreaMu = 150 },
                Reason = "in the main urban area among neighbouring parcels to redevelop that together pass the area: renew the area as a whole (连片改造), planned together and market-led" },
            new() { Mode = "commercial_office", When = new() { InMainUrbanArea = true, Levels = ["community"] },
                Reason = "a community parcel in the main urban area: industrial to commercial and office (工改商办); the paper warns of the cost to the government and hard buy-back talks, and suggests a tender with the scheme attached (带方案挂牌) or land offered together with other plots" },
            new() { Mode = "residential", When = new() { InMainUrbanArea = true, Levels = ["community"] },
                Reason = "a community parcel in the main urban area: industrial to residential (工改居住); the same caveats as commercial use: funding pressure and buy-back talks, a tender with the scheme attached" },
            new() { Mode = "supporting", When = new() { InMainUrbanArea = true, Levels = ["community"] },
                Reason = "a community parcel in the main urban area: industrial to supporting facilities (工改配套); the paper notes costs hard to balance and no reward scheme: consider an FAR bonus and a renewal unit to share the gains" },
        ],
    };
}

/// <summary>A clearance rule: the tier a parcel takes when it meets the condition.</summary>
public sealed record ClearanceRuleDocument
{
    /// <summary>The tier: must, encouraged, considered or none.</summary>
    public string Zone { get; init; } = "";
    /// <summary>The condition.</summary>
    public SpatialCondition When { get; init; } = new();
}

/// <summary>A redevelopment rule: the mode offered when a parcel meets the condition, and why.</summary>
public sealed record RedevelopmentRuleDocument
{
    /// <summary>The mode: high_standard_factory, capacity_upgrade, research, commercial_office, residential, supporting, contiguous_renewal or ecological_restoration.</summary>
    public string Mode { get; init; } = "";
    /// <summary>The reason, in words.</summary>
    public string Reason { get; init; } = "";
    /// <summary>The condition.</summary>
    public SpatialCondition When { get; init; } = new();
}

/// <summary>
/// A condition over what is known of a parcel: every part given must hold; a part whose fact is not known does not hold.
/// </summary>
public sealed record SpatialCondition
{
    /// <summary>Inside (true) or outside (false) the development boundary.</summary>
    public bool? InsideDevelopmentBoundary { get; init; }
    /// <summary>Inside the ecological red line.</summary>
    public bool? InEcologicalRedLine { get; init; }
    /// <summary>Inside the main urban area.</summary>
    public bool? InMainUrbanArea { get; init; }
    /// <summary>Inside a must-clear zone.</summary>
    public bool? InClearanceMust { get; init; }
    /// <summary>Inside an encouraged-clearance zone.</summary>
    public bool? InClearanceEncouraged { get; init; }
    /// <summary>Inside a may-be-considered clearance zone.</summary>
    public bool? InClearanceConsidered { get; init; }
    /// <summary>A parcel to redevelop (disposition other than RETAINED).</summary>
    public bool? ToRedevelop { get; init; }
    /// <summary>One of these levels: park, community, scattered.</summary>
    public List<string>? Levels { get; init; }
    /// <summary>Area at least this, 亩.</summary>
    public double? MinAreaMu { get; init; }
    /// <summary>Area below this, 亩.</summary>
    public double? MaxAreaMu { get; init; }
    /// <summary>No veto check answered "no".</summary>
    public bool? VetoesPass { get; init; }
    /// <summary>Categorical indicator code → the keys that match (any of them).</summary>
    public Dictionary<string, List<string>>? Categories { get; init; }
    /// <summary>Element code → score; holds when any listed element with data scores below its figure.</summary>
    public Dictionary<string, double>? AnyElementBelow { get; init; }
    /// <summary>Numeric indicator code → raw value; holds when any listed indicator with a value is below its figure.</summary>
    public Dictionary<string, double>? AnyIndicatorBelow { get; init; }
    /// <summary>The contiguous group of parcels to redevelop it belongs to is at least this large, 亩.</summary>
    public double? MinContiguousAreaMu { get; init; }
}

/// <summary>The spatial rules of a model, resolved against its codes; pure.</summary>
public sealed class SpatialRules
{
    private static readonly ConditionalWeakTable<ScoringModel, SpatialRules> Compiled = new();
    private readonly ImmutableArray<(Condition When, ClearanceZone Zone)> _clearance;
    private readonly ImmutableArray<(Condition When, RedevelopmentMode Mode, string Reason)> _redevelopment;

    private SpatialRules(ScoringModel model, SpatialDocument document)
    {
        Document = document;
        _clearance = [.. document.ClearanceRules.Select(r => (new Condition(model, r.When), ZoneOf(r.Zone)!.Value))];
        _redevelopment = [.. document.RedevelopmentRules.Select(r => (new Condition(model, r.When), ModeOf(r.Mode)!.Value, r.Reason))];
    }

    /// <summary>The rules as written (or the defaults).</summary>
    public SpatialDocument Document { get; }

    /// <summary>Whether any redevelopment rule needs the contiguous area.</summary>
    public bool NeedsContiguity => _redevelopment.Any(r => r.When.Source.MinContiguousAreaMu is not null);

    /// <summary>The rules of <paramref name="model"/>, resolved once per model.</summary>
    public static SpatialRules For(ScoringModel model) =>
        Compiled.GetValue(model, m => new SpatialRules(m, m.Document.Spatial ?? DefaultsFor(m.Document)));

    /// <summary>
    /// The paper's rules (<see cref="SpatialDocument.Defaults"/>) as far as <paramref name="document"/> can apply them, for a
    /// model without rules of its own: an "any below" test leaves out the elements and indicators the model lacks, and a
    /// rule is dropped when nothing of such a test is left or when it asks for a category the model does not have. A model
    /// that declares its rules is checked instead (<see cref="Check"/>): there, a missing code is an error.
    /// </summary>
    public static SpatialDocument DefaultsFor(ModelDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var defaults = SpatialDocument.Defaults;
        var elements = document.Elements.Select(e => e.Code).ToHashSet(StringComparer.Ordinal);
        var indicators = new Dictionary<string, IndicatorDocument>(StringComparer.Ordinal);
        foreach (var indicator in document.Elements.SelectMany(e => e.Indicators)) indicators.TryAdd(indicator.Code, indicator);

        SpatialCondition? Fit(SpatialCondition when)
        {
            Dictionary<string, double>? Keep(Dictionary<string, double>? below, Func<string, bool> known)
            {
                if (below is null) return null;
                var kept = below.Where(kv => known(kv.Key)).ToDictionary(StringComparer.Ordinal);
                return kept.Count == below.Count ? below : kept;
            }
            var anyElement = Keep(when.AnyElementBelow, elements.Contains);
            var anyIndicator = Keep(when.AnyIndicatorBelow, c => indicators.TryGetValue(c, out var i) && i.Categories is null);
            if (anyElement is { Count: 0 } || anyIndicator is { Count: 0 }) return null;
            foreach (var (code, keys) in when.Categories ?? [])
                if (!indicators.TryGetValue(code, out var ind) || ind.Categories is null || !keys.All(k => ind.Categories.Any(c => c.Key == k))) return null;
            return when with { AnyElementBelow = anyElement, AnyIndicatorBelow = anyIndicator };
        }

        return defaults with
        {
            ClearanceRules = [.. defaults.ClearanceRules.Select(r => Fit(r.When) is { } when ? r with { When = when } : null).OfType<ClearanceRuleDocument>()],
            RedevelopmentRules = [.. defaults.RedevelopmentRules.Select(r => Fit(r.When) is { } when ? r with { When = when } : null).OfType<RedevelopmentRuleDocument>()],
        };
    }

    /// <summary>Adds a problem for each rule that names an unknown tier, mode, level, element, indicator or category.</summary>
    public static void Check(ModelDocument document, Action<string, string> error)
    {
        if (document.Spatial is not { } spatial) return;
        var elements = document.Elements.Select(e => e.Code).ToHashSet(StringComparer.Ordinal);
        var indicators = new Dictionary<string, IndicatorDocument>(StringComparer.Ordinal); // a duplicate code is the compiler's to report
        foreach (var indicator in document.Elements.SelectMany(e => e.Indicators)) indicators.TryAdd(indicator.Code, indicator);
        if (!(double.IsFinite(spatial.ContiguousDistanceM) && spatial.ContiguousDistanceM >= 0))
            error("$.spatial.contiguous_distance_m", "must be a finite number of metres, at least 0");
        void CheckWhen(SpatialCondition c, string path)
        {
            foreach (var level in c.Levels ?? [])
                if (LevelOf(level) is null) error(path + ".levels", $"unknown level '{level}'; use park, community or scattered");
            foreach (var code in c.AnyElementBelow?.Keys ?? Enumerable.Empty<string>())
                if (!elements.Contains(code)) error(path + ".any_element_below", $"unknown element '{code}'");
            foreach (var code in c.AnyIndicatorBelow?.Keys ?? Enumerable.Empty<string>())
                if (!indicators.TryGetValue(code, out var ind) || ind.Categories is not null) error(path + ".any_indicator_below", $"'{code}' is not a numeric indicator of the model");
            foreach (var (code, keys) in c.Categories ?? [])
            {
                if (!indicators.TryGetValue(code, out var ind) || ind.Categories is null) { error(path + ".categories", $"'{code}' is not a categorical indicator of the model"); continue; }
                foreach (var key in keys)
                    if (!ind.Categories.Any(k => k.Key == key)) error(path + ".categories", $"'{key}' is not a category of '{code}'");
            }
        }
        for (var i = 0; i < spatial.ClearanceRules.Count; i++)
        {
            var path = $"$.spatial.clearance_rules[{i}]";
            if (ZoneOf(spatial.ClearanceRules[i].Zone) is null) error(path + ".zone", $"unknown zone '{spatial.ClearanceRules[i].Zone}'; use must, encouraged, considered or none");
            CheckWhen(spatial.ClearanceRules[i].When, path + ".when");
        }
        for (var i = 0; i < spatial.RedevelopmentRules.Count; i++)
        {
            var path = $"$.spatial.redevelopment_rules[{i}]";
            if (ModeOf(spatial.RedevelopmentRules[i].Mode) is null) error(path + ".mode", $"unknown mode '{spatial.RedevelopmentRules[i].Mode}'");
            if (string.IsNullOrWhiteSpace(spatial.RedevelopmentRules[i].Reason)) error(path + ".reason", "is required");
            CheckWhen(spatial.RedevelopmentRules[i].When, path + ".when");
        }
    }

    /// <summary>The tier of a scored parcel: the first matching rule's; else NONE, or UNSPECIFIED when its boundary and red line are not known.</summary>
    public ClearanceZone Zone(ParcelVector parcel, Scorecard card, PlaceFacts place)
    {
        foreach (var (when, zone) in _clearance)
            if (when.Holds(parcel, card, place)) return zone;
        return place.InsideDevelopmentBoundary is null && place.InEcologicalRedLine is null ? ClearanceZone.Unspecified : ClearanceZone.None;
    }

    /// <summary>The modes offered to a scored parcel, in rule order, each once; none for a RETAINED parcel.</summary>
    public ImmutableArray<RedevelopmentSuggestion> Modes(ParcelVector parcel, Scorecard card, PlaceFacts place)
    {
        if (card.Disposition == Disposition.Retained) return [];
        if (_redevelopment.Length > 64) return ModesOneByOne(parcel, card, place);
        // The rules that fire, as bits; each set of them is made once and shared, so scoring a parcel allocates nothing.
        ulong fired = 0, offered = 0;
        for (var i = 0; i < _redevelopment.Length; i++)
        {
            var (when, mode, _) = _redevelopment[i];
            var modeBit = 1UL << (int)mode;
            if ((offered & modeBit) != 0 || !when.Holds(parcel, card, place)) continue;
            fired |= 1UL << i;
            offered |= modeBit;
        }
        return fired == 0 ? [] : _suggestionSets.GetOrAdd(fired, static (bits, rules) =>
        {
            var set = ImmutableArray.CreateBuilder<RedevelopmentSuggestion>();
            for (var i = 0; i < rules.Length; i++)
                if ((bits & (1UL << i)) != 0) set.Add(new(rules[i].Mode, rules[i].Reason));
            return set.ToImmutable();
        }, _redevelopment);
    }

    // The suggestions of each set of fired rules (bit i: rule i), made on first use.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, ImmutableArray<RedevelopmentSuggestion>> _suggestionSets = new();

    // The same for a document of more than 64 rules, building each parcel's list.
    private ImmutableArray<RedevelopmentSuggestion> ModesOneByOne(ParcelVector parcel, Scorecard card, PlaceFacts place)
    {
        ImmutableArray<RedevelopmentSuggestion>.Builder? modes = null; // most parcels match no rule: nothing allocated
        foreach (var (when, mode, reason) in _redevelopment)
            if (!Offered(modes, mode) && when.Holds(parcel, card, place)) (modes ??= ImmutableArray.CreateBuilder<RedevelopmentSuggestion>()).Add(new(mode, reason));
        return modes?.ToImmutable() ?? [];
    }

    // Loops rather than lambdas here and in Condition.Holds: they run for every parcel scored, and a lambda that
    // captures a parameter allocates its closure on every call.
    private static bool Offered(ImmutableArray<RedevelopmentSuggestion>.Builder? modes, RedevelopmentMode mode)
    {
        if (modes is null) return false;
        for (var i = 0; i < modes.Count; i++)
            if (modes[i].Mode == mode) return true;
        return false;
    }

    /// <summary>The tier named <paramref name="name"/>, or null.</summary>
    public static ClearanceZone? ZoneOf(string name) => name switch
    {
        "must" => ClearanceZone.Must, "encouraged" => ClearanceZone.Encouraged, "considered" => ClearanceZone.Considered, "none" => ClearanceZone.None, _ => null,
    };

    /// <summary>The mode named <paramref name="name"/> (snake_case of the enum), or null.</summary>
    public static RedevelopmentMode? ModeOf(string name) => name switch
    {
        "high_standard_factory" => RedevelopmentMode.HighStandardFactory,
        "capacity_upgrade" => RedevelopmentMode.CapacityUpgrade,
        "research" => RedevelopmentMode.Research,
        "commercial_office" => RedevelopmentMode.CommercialOffice,
        "residential" => RedevelopmentMode.Residential,
        "supporting" => RedevelopmentMode.Supporting,
        "contiguous_renewal" => RedevelopmentMode.ContiguousRenewal,
        "ecological_restoration" => RedevelopmentMode.EcologicalRestoration,
        _ => null,
    };

    private static ParcelLevel? LevelOf(string name) => name switch
    {
        "park" => ParcelLevel.Park, "community" => ParcelLevel.Community, "scattered" => ParcelLevel.Scattered, _ => null,
    };

    // A condition with its codes resolved to the model's indexes.
    private sealed class Condition
    {
        private readonly ParcelLevel[]? _levels;
        private readonly (int Index, double Below)[] _elements;
        private readonly (int Index, double Below)[] _indicators;
        private readonly (int Index, int[] Ordinals)[] _categories;

        public Condition(ScoringModel model, SpatialCondition source)
        {
            Source = source;
            _levels = source.Levels?.Select(l => LevelOf(l)!.Value).ToArray();
            _elements = [.. (source.AnyElementBelow ?? []).Select(kv => (model.Elements.First(e => e.Code == kv.Key).Index, kv.Value))];
            _indicators = [.. (source.AnyIndicatorBelow ?? []).Select(kv => (model.IndicatorsByCode[kv.Key].Index, kv.Value))];
            _categories = [.. (source.Categories ?? []).Select(kv =>
            {
                var ind = model.IndicatorsByCode[kv.Key];
                return (ind.Index, kv.Value.Select(k => ind.Categories!.Keys.ToList().IndexOf(k)).ToArray());
            })];
        }

        public SpatialCondition Source { get; }

        public bool Holds(ParcelVector parcel, Scorecard card, PlaceFacts place)
        {
            var s = Source;
            if (!Is(s.InsideDevelopmentBoundary, place.InsideDevelopmentBoundary) || !Is(s.InEcologicalRedLine, place.InEcologicalRedLine) ||
                !Is(s.InMainUrbanArea, place.InMainUrbanArea) || !Is(s.InClearanceMust, place.InClearanceMust) ||
                !Is(s.InClearanceEncouraged, place.InClearanceEncouraged) || !Is(s.InClearanceConsidered, place.InClearanceConsidered))
                return false;
            if (s.ToRedevelop is { } redevelop && redevelop != (card.Disposition != Disposition.Retained)) return false;
            if (s.VetoesPass is { } pass && pass == card.AnyVetoFailed) return false;
            if (_levels is not null && Array.IndexOf(_levels, parcel.Level) < 0) return false;
            if (s.MinAreaMu is { } min && !(parcel.AreaMu >= min)) return false;
            if (s.MaxAreaMu is { } max && !(parcel.AreaMu < max)) return false;
            if (s.MinContiguousAreaMu is { } contiguous && !(place.ContiguousAreaMu >= contiguous)) return false;
            foreach (var (index, ordinals) in _categories)
                if (double.IsNaN(parcel.Values[index]) || Array.IndexOf(ordinals, (int)parcel.Values[index]) < 0) return false;
            return (_elements.Length == 0 || AnyElementBelow(card)) && (_indicators.Length == 0 || AnyIndicatorBelow(parcel));
        }

        private bool AnyElementBelow(Scorecard card)
        {
            foreach (var (index, below) in _elements)
                if (!card.ElementMissing[index] && card.ElementScores[index] < below - Evaluator.Tolerance) return true;
            return false;
        }

        private bool AnyIndicatorBelow(ParcelVector parcel)
        {
            foreach (var (index, below) in _indicators)
                if (parcel.Values[index] < below - Evaluator.Tolerance) return true;
            return false;
        }

        private static bool Is(bool? wanted, bool? known) => wanted is not { } w || known == w;
    }
}
