"""Contacts that carry the customer's voice: calls, chats, messages, e-mails, posts.

:func:`voice_contact` writes one such interaction (text in the channel's form, ground
truth in ``attributes``) and may add its follow-ups: a satisfaction survey answer and,
for escalated complaints, an outbound callback by a tier-2/3 agent.
"""
from __future__ import annotations

import random

import opencc

from xinsheng.demo import texts
from xinsheng.demo.people import Profile
from xinsheng.demo.personal import identity, plant_pii
from xinsheng.demo.rand import wpick
from xinsheng.demo.template import Ctx
from xinsheng.demo.topicbase import Topic
from xinsheng.demo.world import DAY, World

__all__ = ["voice_contact", "VOICE_EVENTS"]

VOICE_EVENTS = {
    "phone": "call", "chat": "chat_session", "wechat": "message", "email": "email_received",
    "app": "feedback_submitted", "web": "message_submitted", "social": "post", "branch": "comment_card",
    "sms": "sms_reply", "ivr": "voice_message",
}
_DURATION = {"phone": (90, 900), "chat": (120, 1500), "wechat": (30, 900), "app": (20, 180), "web": (30, 300),
             "branch": (600, 3600), "ivr": (30, 120)}
_PLATFORMS = ("weibo", "weibo", "heimao", "xiaohongshu", "douyin", "zhihu")
_S2T = opencc.OpenCC("s2t")
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")
_WRITTEN = frozenset({"chat", "wechat", "email", "app", "web", "social", "sms"})


def _outcome(rng: random.Random, voice: texts.Voice, complaint: bool) -> str:
    if voice.sentiment == "positive":
        return "resolved"
    if complaint:
        return wpick(rng, ("escalated", "pending", "resolved"), (35, 35, 30))
    if voice.sentiment == "negative":
        return wpick(rng, ("resolved", "pending", "transferred", "abandoned"), (55, 20, 15, 10))
    return wpick(rng, ("resolved", "transferred", "abandoned"), (85, 10, 5))


def _shape(ctx: Ctx, channel: str, topic: Topic, text: str, voice: texts.Voice, profile: Profile | None) -> str:
    rng = ctx.rng
    if channel == "phone":
        verify = identity(rng, profile)["person_name"] if profile is not None and rng.random() < 0.04 else None
        return texts.transcript(ctx, topic, text, voice, verify_name=verify)
    if channel == "chat" and rng.random() < 0.5:
        return texts.chat_dialogue(ctx, topic, text, voice)
    if channel == "email":
        sign = profile.name if profile is not None and rng.random() < 0.3 else None
        return texts.email_body(ctx, text, sign)
    if channel == "social":
        return texts.social_post(ctx, text, voice)
    return text


def _compose(world: World, rng: random.Random, profile: Profile | None, channel: str, t: int,
             topic: Topic, sentiment: str, intensity: int | None, version: str | None) -> tuple[str, texts.Voice, list]:
    day = world.day_of(t)
    ctx = Ctx(rng, when=world.date_of(day), version=version or world.app_version(rng, day),
              name=profile.name if profile else None, city=profile.city if profile else None,
              opening=channel not in ("phone", "email"))
    core, voice = texts.statement(ctx, topic, sentiment, elderly=bool(profile and profile.elderly),
                                  intensity=intensity)
    pii: list[str] = []
    if rng.random() < 0.115:
        core, pii = plant_pii(rng, core, profile)
    text = _shape(ctx, channel, topic, core, voice, profile)
    if "person_name" not in pii and profile is not None and profile.name in text:
        pii.append("person_name")
    if channel in _WRITTEN:
        if rng.random() < (0.1 if channel == "social" else 0.015):
            text = _S2T.convert(text)
            voice.flags.append("traditional")
        elif not pii and rng.random() < 0.03:
            text = text.translate(_FULL)
    return text, voice, pii


def voice_contact(world: World, rng: random.Random, profile: Profile | None, channel: str, t: int,
                  topic: Topic, *, sentiment: str | None = None, intensity: int | None = None,
                  outcome: str | None = None, version: str | None = None, attributes: dict | None = None,
                  follow_ups: bool = True, agent: str | None = None) -> dict:
    """Write one inbound contact with a customer text on ``channel`` at ``t``."""
    sentiment = sentiment or texts.choose_sentiment(rng, topic, channel)
    text, voice, pii = _compose(world, rng, profile, channel, t, topic, sentiment, intensity, version)
    complaint = voice.sentiment == "negative" and (voice.intensity >= 2 or "regulatory_risk" in voice.flags) \
        and channel not in ("social", "app", "sms") and rng.random() < 0.6
    if complaint:
        voice.flags.insert(0, "complaint")
    attrs = voice.attributes()
    if pii:
        attrs["pii"] = pii
    attrs.update(attributes or {})
    if channel == "social":
        attrs["platform"] = rng.choice(_PLATFORMS)
    if channel in ("phone", "chat"):
        attrs.setdefault("wait_seconds", _wait(world, rng, t, topic.code, channel))
    if channel == "branch" and profile is not None:
        attrs.setdefault("branch", f"{profile.city.removesuffix('市')}分行营业部")
    handled = channel in ("phone", "email") or (channel == "chat" and rng.random() < 0.8) \
        or (channel == "wechat" and rng.random() < 0.5)
    if channel in ("chat", "wechat") and not handled:
        attrs["handled_by"] = "bot"
    agent = agent or (world.agent_for(rng, profile) if handled else None)
    low, high = _DURATION.get(channel, (0, 0))
    seconds = int(rng.uniform(low, high) * (1.4 if profile is not None and profile.elderly else 1.0))
    final = outcome or (None if channel in ("social", "app", "web", "sms") else _outcome(rng, voice, complaint))
    rec = world.add(t, channel, "complaint_filed" if complaint else VOICE_EVENTS[channel], profile=profile,
                    seconds=seconds, agent=agent, text=text, outcome=final, attributes=attrs)
    if follow_ups and profile is not None:
        _follow_ups(world, rng, profile, rec, t + seconds, voice, topic)
    return rec


def _wait(world: World, rng: random.Random, t: int, topic: str, channel: str) -> int:
    base = rng.lognormvariate(3.4, 0.7) if channel == "phone" else rng.lognormvariate(2.5, 0.6)
    spike = 0 <= world.day_of(t) - world.release_day < 4
    if topic == "hotline_unreachable":
        base *= 6
    return int(base * (3 if spike else 1))


def _follow_ups(world: World, rng: random.Random, profile: Profile, rec: dict, t_end: int,
                voice: texts.Voice, topic: Topic) -> None:
    channel, outcome = rec["channel"], rec["outcome"]
    if outcome == "escalated":
        callback(world, rng, profile, t_end + int(rng.uniform(2, 40) * 3600), topic, rec["external_id"])
    if channel in ("phone", "chat", "wechat") and outcome in ("resolved", "pending", "escalated") \
            and rng.random() < 0.18:
        survey(world, rng, profile, t_end + int(rng.uniform(60, 3600)), rec, voice, topic)


def callback(world: World, rng: random.Random, profile: Profile, t: int, topic: Topic, about: str,
             *, resolved: bool | None = None) -> dict | None:
    """An outbound callback by a tier-2/3 agent about an escalated contact."""
    if "只接受上午来电" in profile.notes:  # the notes are respected: call back in the morning
        moved = (t // DAY) * DAY + world.clock(rng, "morning")
        t = moved if moved >= t else moved + DAY
    if not world.in_range(t):
        return None
    done = resolved if resolved is not None else rng.random() < 0.7
    ctx = Ctx(rng, when=world.date_of(world.day_of(t)), name=profile.name, city=profile.city, opening=False)
    tier = 3 if profile.segment != "mass" or rng.random() < 0.3 else 2
    line = f"您好，我是{'专家坐席' if tier == 3 else '业务支持专员'}，关于您反映的{topic.label}问题给您回个电话。"
    answer = texts.statement(ctx, topic, "positive" if done else "negative", intensity=1)[0]
    text = f"坐席：{line}\n客户：{answer}\n坐席：{'问题已经处理完毕，' if done else '我们会继续跟进，'}感谢您的耐心。"
    return world.add(t, "phone", "callback", profile=profile, seconds=int(rng.uniform(120, 600)),
                     direction="outbound", agent=world.agent(rng, tier), text=text,
                     outcome="resolved" if done else "pending",
                     attributes={"topic": topic.code, "about": about, "sentiment": "positive" if done else "negative"})


def survey(world: World, rng: random.Random, profile: Profile, t: int, rec: dict, voice: texts.Voice,
           topic: Topic) -> dict | None:
    """A CSAT answer (1–5) by SMS or WeChat shortly after a contact, sometimes with a comment."""
    if not world.in_range(t):
        return None
    good = rec["outcome"] == "resolved" and voice.sentiment != "negative"
    score = wpick(rng, (1, 2, 3, 4, 5), (1, 2, 5, 25, 67) if good else (35, 25, 20, 12, 8))
    attrs = {"survey": "csat", "score": score, "about": rec["external_id"]}
    text = None
    if rng.random() < 0.3:
        ctx = Ctx(rng, when=world.date_of(world.day_of(t)), name=profile.name, city=profile.city)
        text, comment = texts.statement(ctx, topic, "positive" if score >= 4 else "negative",
                                        intensity=1 if score >= 2 else 2)
        attrs.update(comment.attributes())
    return world.add(t, rng.choice(("sms", "sms", "wechat")), "survey_answered", profile=profile,
                     text=text, outcome="resolved", attributes=attrs)
