using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Server.Parcels;
using Scoring.V1;
using EngineVetoAnswer = Scoring.Engine.Evaluation.VetoAnswer;

namespace Scoring.Server.Grpc;

/// <summary>
/// Evaluates the chunks of one BatchEvaluate stream with one model and one view. Reuses its
/// buffers from parcel to parcel, so the basic view allocates little more than the response.
/// One per stream; not thread-safe.
/// </summary>
internal sealed class ChunkEvaluator(ScoringModel model, bool full, DateOnly staleBefore, Operations.ScoringMetrics metrics)
{
    private readonly int[] _classified = new int[6];
    private readonly Scorecard _card = new(model);
    private readonly ParcelVector _vector = new(model, "");
    private readonly List<FieldViolation> _violations = [];

    /// <summary>The model of the stream.</summary>
    public ScoringModel Model => model;

    /// <summary>The result of one parcel of the chunk's <c>parcels</c>, already merged with the cache.</summary>
    public BatchResult Evaluate(PreparedParcel parcel, int index, List<(PreparedParcel, Verdict)>? record)
    {
        _violations.Clear();
        if (!ParcelReader.ReadInto(model, parcel.Facts, _vector, _violations))
            return Refused(parcel.ParcelId, "parcels", index);
        if (!parcel.Known)
            return new BatchResult { ParcelId = parcel.ParcelId, Error = ScoringGrpcService.UnknownParcel(parcel.ParcelId) };
        Evaluator.Score(_vector, _card);
        _classified[(int)_card.Classification]++;
        record?.Add((parcel, _card.VerdictFor(_vector)));
        return new BatchResult { ParcelId = parcel.ParcelId, Evaluation = ToProto(parcel) };
    }

    /// <summary>The results of a columnar block, row by row; rows carry their own data (no cache merge).</summary>
    public void EvaluateColumns(ParcelColumns columns, BatchEvaluateResponse response, List<Storage.Evaluations.EvaluationRecord>? record, DateTimeOffset now)
    {
        var layout = new ColumnLayout(model, columns);
        for (var r = 0; r < columns.Rows.Count; r++)
        {
            var row = columns.Rows[r];
            _violations.Clear();
            if (!layout.ReadInto(row, _vector, _violations))
            {
                response.Results.Add(Refused(row.ParcelId, "columns.rows", r));
                continue;
            }
            Evaluator.Score(_vector, _card);
            _classified[(int)_card.Classification]++;
            record?.Add(RowRecord(row, now));
            response.Results.Add(new BatchResult { ParcelId = row.ParcelId, Evaluation = ToProto(null) });
        }
    }

    /// <summary>Reports the chunk's evaluations to the metrics and starts counting afresh.</summary>
    public void FlushMetrics()
    {
        metrics.Evaluated(_classified);
        Array.Clear(_classified);
    }

    private BatchResult Refused(string parcelId, string list, int index)
    {
        // Field paths are prefixed only here, on the error path, so valid parcels allocate no strings.
        var prefix = $"{list}[{index}].";
        var violations = _violations.Select(v => v with { Field = v.Field.StartsWith("columns.", StringComparison.Ordinal) ? v.Field : prefix + v.Field }).ToList();
        return new BatchResult { ParcelId = parcelId, Error = RichErrors.InvalidArgument(violations, RichErrors.Reasons.InvalidParcel) };
    }

    // The history record of a columnar row: its values as sent (all inline).
    private Storage.Evaluations.EvaluationRecord RowRecord(ParcelRow row, DateTimeOffset now)
    {
        var inputs = new Dictionary<string, object?>
        {
            ["level"] = (int)_vector.Level,
            ["area_mu"] = _vector.AreaMu,
            ["industry_code"] = row.IndustryCode,
            ["values"] = model.Indicators.Where(i => !double.IsNaN(_vector.Values[i.Index]))
                .ToDictionary(i => i.Code, i => i.IsCategorical ? (object)i.Categories!.Keys[(int)_vector.Values[i.Index]] : _vector.Values[i.Index]),
            ["vetoes"] = model.Vetoes.Where(v => _vector.Vetoes[v.Index] != EngineVetoAnswer.Unknown)
                .ToDictionary(v => v.Code, v => _vector.Vetoes[v.Index] == EngineVetoAnswer.Met),
            ["origin"] = "inline",
        };
        var v = _card.VerdictFor(_vector);
        return new(v.ParcelId, v.ModelVersion, v.Score, (int)v.Classification, (int)v.Disposition, v.Completeness,
            System.Text.Json.JsonSerializer.Serialize(inputs), now)
        {
            Level = (int)v.Level, AreaMu = v.AreaMu, UnitId = row.UnitId.Length > 0 ? row.UnitId : null, Street = row.Street.Length > 0 ? row.Street : null,
        };
    }

    private Evaluation ToProto(PreparedParcel? parcel)
    {
        if (full) return Evaluator.Explain(_vector, _card).ToProto(model, full: true, parcel is null ? null : e => parcel.Describe(e, staleBefore));
        var e = ProtoMapping.Header(_card.VerdictFor(_vector));
        foreach (var el in model.Elements)
            e.Elements.Add(new ElementScore { Code = el.Code, Weight = _card.ElementWeights[el.Index], Score = _card.ElementScores[el.Index], Missing = _card.ElementMissing[el.Index] });
        if (_card.AnyVetoFailed || _card.AnyVetoUnknown)
        {
            foreach (var veto in model.Vetoes)
            {
                var answer = _vector.Vetoes[veto.Index];
                if (answer == EngineVetoAnswer.Failed) e.FailedVetoes.Add(veto.Code);
                else if (answer == EngineVetoAnswer.Unknown) e.UnknownVetoes.Add(veto.Code);
            }
        }
        return e;
    }
}

/// <summary>The codes of a columnar block resolved once against the model.</summary>
internal sealed class ColumnLayout
{
    private readonly ScoringModel _model;
    private readonly IndicatorDefinition?[] _numbers;
    private readonly IndicatorDefinition?[] _categories;
    private readonly int[] _vetoes;
    private readonly List<FieldViolation> _codeViolations = [];

    public ColumnLayout(ScoringModel model, ParcelColumns columns)
    {
        _model = model;
        _numbers = new IndicatorDefinition?[columns.IndicatorCodes.Count];
        for (var i = 0; i < _numbers.Length; i++)
        {
            var code = columns.IndicatorCodes[i];
            if (model.IndicatorsByCode.TryGetValue(code, out var ind) && !ind.IsCategorical) _numbers[i] = ind;
            else _codeViolations.Add(new($"columns.indicator_codes[{i}]", $"'{code}' is not a numeric indicator of model {model.Version}; valid: {string.Join(", ", model.NumericCodes)}"));
        }
        _categories = new IndicatorDefinition?[columns.CategoryCodes.Count];
        for (var i = 0; i < _categories.Length; i++)
        {
            var code = columns.CategoryCodes[i];
            if (model.IndicatorsByCode.TryGetValue(code, out var ind) && ind.IsCategorical) _categories[i] = ind;
            else _codeViolations.Add(new($"columns.category_codes[{i}]", $"'{code}' is not a categorical indicator of model {model.Version}; valid: {string.Join(", ", model.CategoricalCodes)}"));
        }
        _vetoes = new int[columns.VetoCodes.Count];
        for (var i = 0; i < _vetoes.Length; i++)
        {
            var code = columns.VetoCodes[i];
            _vetoes[i] = model.VetoesByCode.TryGetValue(code, out var veto) ? veto.Index : -1;
            if (_vetoes[i] < 0) _codeViolations.Add(new($"columns.veto_codes[{i}]", ParcelReader.UnknownVeto(model, code)));
        }
    }

    /// <summary>Reads one row; false, with the problems (field paths relative to the row), when it is not valid.</summary>
    public bool ReadInto(ParcelRow row, ParcelVector vector, List<FieldViolation> violations)
    {
        // A bad column name makes every row unreadable: each row reports it.
        violations.AddRange(_codeViolations);
        ParcelReader.CheckAttributes(row.ParcelId, (int)row.Level, row.AreaMu, row.IndustryCode, violations, "");
        vector.Reset(row.ParcelId, (ParcelLevel)row.Level, row.AreaMu, ScoringModel.DivisionOf(row.IndustryCode),
            row.HasInEcologicalRedLine && row.InEcologicalRedLine, row.HasRedevelopmentUnderway && row.RedevelopmentUnderway,
            row.HasLocallyReported && row.LocallyReported);

        if (row.Values.Count is not 0 && row.Values.Count != _numbers.Length)
            violations.Add(new("values", $"has {row.Values.Count} values for {_numbers.Length} indicator_codes"));
        else
            for (var i = 0; i < row.Values.Count; i++)
            {
                var v = row.Values[i];
                if (double.IsNaN(v) || _numbers[i] is not { } ind) continue;
                if (ParcelReader.CheckNumber(ind, v) is { } reason) violations.Add(new($"values[{i}]", $"{ind.Code}: {reason}"));
                else vector.Values[ind.Index] = v;
            }

        if (row.Categories.Count is not 0 && row.Categories.Count != _categories.Length)
            violations.Add(new("categories", $"has {row.Categories.Count} keys for {_categories.Length} category_codes"));
        else
            for (var i = 0; i < row.Categories.Count; i++)
            {
                var key = row.Categories[i];
                if (key.Length == 0 || _categories[i] is not { } ind) continue;
                if (ParcelReader.CheckCategory(ind, key, out var ordinal) is { } reason) violations.Add(new($"categories[{i}]", reason));
                else vector.Values[ind.Index] = ordinal;
            }

        if (row.Vetoes.Count is not 0 && row.Vetoes.Count != _vetoes.Length)
            violations.Add(new("vetoes", $"has {row.Vetoes.Count} answers for {_vetoes.Length} veto_codes"));
        else
            for (var i = 0; i < row.Vetoes.Count; i++)
            {
                var answer = row.Vetoes[i];
                if (answer is < V1.VetoAnswer.Unspecified or > V1.VetoAnswer.Failed) violations.Add(new($"vetoes[{i}]", $"{(int)answer} is not a VetoAnswer value"));
                else if (_vetoes[i] >= 0) vector.Vetoes[_vetoes[i]] = (EngineVetoAnswer)(int)answer;
            }
        return violations.Count == 0;
    }
}
