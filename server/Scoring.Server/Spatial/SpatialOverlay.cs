using System.Collections.Immutable;
using System.Globalization;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Engine.Spatial;
using Scoring.Server.Identification;
using Scoring.Storage.Parcels;

namespace Scoring.Server.Spatial;

/// <summary>A flag derived by overlay: its name, value, the layer version and the share of the parcel inside it.</summary>
public readonly record struct DerivedFlag(string Name, bool Value, string LayerId, int LayerVersion, double OverlapShare);

/// <summary>
/// What the parcel's place added to its evaluation: derived flags, the facts rules read, warnings, tier and modes. A session
/// reuses one for each of its parcels: read it during the sink call that receives the parcel.
/// </summary>
public sealed class SpatialOutcome
{
    private static readonly PlaceFacts Unknown = new();
    private List<DerivedFlag>? _derived;
    private List<string>? _warnings;

    /// <summary>The flags derived by overlay, in a fixed order.</summary>
    public IReadOnlyList<DerivedFlag> Derived => (IReadOnlyList<DerivedFlag>?)_derived ?? [];
    /// <summary>Warnings on the input.</summary>
    public IReadOnlyList<string> Warnings => (IReadOnlyList<string>?)_warnings ?? [];
    /// <summary>What the rules read: answers, else derived flags.</summary>
    public PlaceFacts Place { get; internal set; } = Unknown;

    // Most parcels of a district scan have no outline: nothing is allocated for them beyond this object.
    internal void Clear()
    {
        _derived?.Clear();
        _warnings?.Clear();
        Place = Unknown;
        Shape = null;
        Zone = ClearanceZone.Unspecified;
        Modes = [];
    }

    // The rules of the model last placed with this outcome: a session places all its parcels under one model.
    private (ScoringModel Model, SpatialRules Rules)? _rules;

    internal SpatialRules RulesFor(ScoringModel model)
    {
        if (_rules is not { } known || !ReferenceEquals(known.Model, model)) _rules = known = (model, SpatialRules.For(model));
        return known.Rules;
    }

    internal void Add(DerivedFlag flag) => (_derived ??= new List<DerivedFlag>(7)).Add(flag);
    internal void Warn(string warning) => (_warnings ??= []).Add(warning);
    /// <summary>The outline in its zone's frame, when the parcel has one.</summary>
    public ParcelShape? Shape { get; internal set; }
    /// <summary>The clearance tier.</summary>
    public ClearanceZone Zone { get; internal set; }
    /// <summary>The modes suggested.</summary>
    public ImmutableArray<RedevelopmentSuggestion> Modes { get; internal set; } = [];
}

/// <summary>
/// Lays a parcel's outline over the layers in force before it is scored (deriving the flags it has no answer for, which
/// the disposition then follows), and places it after: its clearance tier and redevelopment modes by the model's rules.
/// </summary>
public sealed class SpatialOverlay(LayerCatalog layers, SpatialOptions options, IServiceProvider services)
{
    private readonly int _defaultEpsg = options.DefaultEpsg;

    /// <summary>
    /// A share this close below the configured one still counts: outlines given in degrees are projected vertex by vertex,
    /// and a square at exactly the line would otherwise fall either side of it by rounding.
    /// </summary>
    public const double ShareTolerance = 1e-6;

    /// <summary>The flag names of <see cref="SpatialOutcome.Derived"/>.</summary>
    public static class Flags
    {
        /// <summary>Inside the ecological protection red line.</summary>
        public const string InEcologicalRedLine = "in_ecological_red_line";
        /// <summary>Inside the urban development boundary.</summary>
        public const string InsideDevelopmentBoundary = "inside_development_boundary";
        /// <summary>In a redevelopment project under way.</summary>
        public const string RedevelopmentUnderway = "redevelopment_underway";
        /// <summary>Inside the main urban area.</summary>
        public const string InMainUrbanArea = "in_main_urban_area";
        /// <summary>Inside a must-clear zone.</summary>
        public const string InClearanceMust = "in_clearance_must";
        /// <summary>Inside an encouraged-clearance zone.</summary>
        public const string InClearanceEncouraged = "in_clearance_encouraged";
        /// <summary>Inside a may-be-considered clearance zone.</summary>
        public const string InClearanceConsidered = "in_clearance_considered";
    }

    /// <summary>
    /// Before scoring: reads the outline (given, else cached), checks it against area_mu, derives the unanswered flags and
    /// sets the red-line and under-way flags of <paramref name="vector"/>. False, with the problem in
    /// <paramref name="violations"/>, when the given outline or crs is bad.
    /// </summary>
    public bool Derive(ParcelFacts given, CachedParcel? cached, ParcelVector vector, List<FieldViolation> violations, out SpatialOutcome outcome) =>
        Derive(given, cached, vector, violations, outcome = new SpatialOutcome());

    /// <summary>As the other overload, into <paramref name="outcome"/> (cleared first), so that a session reuses one.</summary>
    public bool Derive(ParcelFacts given, CachedParcel? cached, ParcelVector vector, List<FieldViolation> violations, SpatialOutcome outcome)
    {
        outcome.Clear();
        var boundary = given.InsideDevelopmentBoundary ?? cached?.Attributes.InsideDevelopmentBoundary;
        var redLine = given.InEcologicalRedLine ?? cached?.Attributes.InEcologicalRedLine;
        var underway = given.RedevelopmentUnderway ?? cached?.Attributes.RedevelopmentUnderway;
        ParcelShape? shape;
        if (!string.IsNullOrWhiteSpace(given.Geometry))
        {
            shape = ShapeReader.Read(given.Geometry, given.Crs, _defaultEpsg, violations);
            if (shape is null) return false;
        }
        else
        {
            if (given.Crs is not null) { violations.Add(new("crs", "is given without a geometry")); return false; }
            // A cached outline was checked when it was stored.
            shape = cached?.Attributes.Geometry is { } stored ? ShapeReader.Read(stored, null, _defaultEpsg, []) : null;
        }
        outcome.Shape = shape;
        if (shape is null)
        {
            if (boundary is not null || redLine is not null) outcome.Place = new PlaceFacts { InsideDevelopmentBoundary = boundary, InEcologicalRedLine = redLine };
            return true;
        }

        if (shape.AreaGap(vector.AreaMu) is { } gap && gap > options.AreaTolerance)
            outcome.Warn(string.Create(CultureInfo.InvariantCulture,
                $"area_mu {vector.AreaMu:0.##} 亩 differs from the outline's {shape.AreaMu:0.##} 亩 by {100 * gap:0.#}% (more than {100 * options.AreaTolerance:0.#}%)"));
        redLine ??= Overlay(LayerKind.EcologicalRedLine, Flags.InEcologicalRedLine, shape, outcome);
        boundary ??= Overlay(LayerKind.DevelopmentBoundary, Flags.InsideDevelopmentBoundary, shape, outcome);
        underway ??= Overlay(LayerKind.RedevelopmentProject, Flags.RedevelopmentUnderway, shape, outcome);
        if (redLine is { } inRedLine) vector.InEcologicalRedLine = inRedLine;
        if (underway is { } isUnderway) vector.RedevelopmentUnderway = isUnderway;
        outcome.Place = new PlaceFacts
        {
            InsideDevelopmentBoundary = boundary,
            InEcologicalRedLine = redLine,
            InMainUrbanArea = Overlay(LayerKind.MainUrbanArea, Flags.InMainUrbanArea, shape, outcome),
            InClearanceMust = Overlay(LayerKind.ClearanceMust, Flags.InClearanceMust, shape, outcome),
            InClearanceEncouraged = Overlay(LayerKind.ClearanceEncouraged, Flags.InClearanceEncouraged, shape, outcome),
            InClearanceConsidered = Overlay(LayerKind.ClearanceConsidered, Flags.InClearanceConsidered, shape, outcome),
        };
        return true;
    }

    /// <summary>After scoring: the clearance tier and the redevelopment modes by the model's rules.</summary>
    public void Place(in EvaluatedParcel parcel, SpatialOutcome outcome)
    {
        var rules = outcome.RulesFor(parcel.Model);
        if (outcome.Shape is { } shape && outcome.Place.InMainUrbanArea == true && rules.NeedsContiguity && parcel.Card.Disposition != Disposition.Retained)
            outcome.Place = outcome.Place with
            {
                ContiguousAreaMu = services.GetRequiredService<ContiguousParcels>()
                    .GroupAreaMu(parcel.Model, parcel.Vector.ParcelId, shape, parcel.Vector.AreaMu, rules.Document.ContiguousDistanceM),
            };
        outcome.Zone = rules.Zone(parcel.Vector, parcel.Card, outcome.Place);
        outcome.Modes = rules.Modes(parcel.Vector, parcel.Card, outcome.Place);
    }

    // True when at least the configured share lies inside the layer in force of the kind, false below; null when none is in force.
    private bool? Overlay(LayerKind kind, string name, ParcelShape shape, SpatialOutcome outcome)
    {
        if (layers.IndexFor(kind, shape.Zone) is not { } found) return null;
        var (layer, index) = found;
        var share = index.Share(shape.Planar);
        var value = share >= options.OverlapShare - ShareTolerance;
        outcome.Add(new DerivedFlag(name, value, layer.LayerId, layer.Version, share));
        return value;
    }
}
